"""What the demo shop sells and how it ships: products with prices in both currencies, and carriers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """A catalog item; prices in minor units (kopecks, cents)."""

    sku: str
    name_ru: str
    name_en: str
    rub_minor: int
    usd_minor: int


PRODUCTS = (
    Product("KT-1001", "Электрочайник Bosch 1,7 л", "Bosch electric kettle 1.7 l", 349000, 4999),
    Product("KT-1002", "Кофеварка капельная Philips", "Philips drip coffee maker", 599000, 7999),
    Product("KT-1003", "Блендер погружной Braun", "Braun hand blender", 459000, 5999),
    Product("KT-1004", "Сковорода Tefal 28 см", "Tefal frying pan 28 cm", 289000, 3999),
    Product("KT-1005", "Набор ножей из 5 предметов", "5-piece knife set", 399000, 5499),
    Product("KT-1006", "Мультиварка Redmond", "Redmond multicooker", 899000, 11999),
    Product("HM-2001", "Пылесос беспроводной Dyson V8", "Dyson V8 cordless vacuum", 3499000, 39999),
    Product("HM-2002", "Утюг с парогенератором", "Steam generator iron", 1299000, 14999),
    Product("HM-2003", "Постельное бельё, евро, сатин", "Sateen bed linen set, king", 549000, 6999),
    Product("HM-2004", "Подушка ортопедическая", "Orthopedic pillow", 249000, 3499),
    Product("HM-2005", "Плед флисовый 150×200", "Fleece throw 60x80 in", 149000, 2499),
    Product("EL-3001", "Смартфон Samsung Galaxy A55", "Samsung Galaxy A55 smartphone", 3899000, 44999),
    Product("EL-3002", "Наушники беспроводные Sony", "Sony wireless headphones", 1499000, 17999),
    Product("EL-3003", "Умная колонка Яндекс Станция", "Smart speaker", 1199000, 9999),
    Product("EL-3004", "Power bank 20 000 мА·ч", "Power bank 20,000 mAh", 299000, 3999),
    Product("EL-3005", "Кабель USB-C 2 м", "USB-C cable 6 ft", 69000, 1299),
    Product("EL-3006", "Электронная книга PocketBook", "PocketBook e-reader", 1599000, 15999),
    Product("EL-3007", "Фитнес-браслет Xiaomi", "Xiaomi fitness band", 349000, 4499),
    Product("CL-4001", "Куртка демисезонная", "Light jacket", 799000, 8999),
    Product("CL-4002", "Кроссовки беговые", "Running shoes", 699000, 8499),
    Product("CL-4003", "Джинсы прямые", "Straight-fit jeans", 399000, 4999),
    Product("CL-4004", "Шарф шерстяной", "Wool scarf", 199000, 2999),
    Product("KD-5001", "Конструктор LEGO City", "LEGO City building set", 549000, 5999),
    Product("KD-5002", "Настольная игра «Каркассон»", "Carcassonne board game", 249000, 3499),
    Product("KD-5003", "Детский рюкзак", "Kids' backpack", 189000, 2799),
    Product("BK-6001", "Книга «Мастер и Маргарита»", "The Master and Margarita (book)", 79000, 1599),
    Product("BK-6002", "Ежедневник А5, 2027", "2027 A5 planner", 59000, 1499),
    Product("BT-7001", "Крем для рук, 75 мл", "Hand cream 2.5 oz", 49000, 899),
    Product("BT-7002", "Фен Philips 2200 Вт", "Philips hair dryer", 399000, 4999),
    Product("BT-7003", "Электрическая зубная щётка Oral-B", "Oral-B electric toothbrush", 699000, 7999),
    Product("SP-8001", "Коврик для йоги", "Yoga mat", 189000, 2499),
    Product("SP-8002", "Гантели 2 × 5 кг", "Dumbbells 2 x 11 lb", 399000, 4999),
    Product("SP-8003", "Термос 1 л", "Thermos 34 oz", 229000, 2999),
    Product("GD-9001", "Секатор садовый", "Garden pruner", 129000, 1999),
    Product("GD-9002", "Семена томатов, набор", "Tomato seed kit", 39000, 799),
)

# Carriers by currency, each with a promised delivery window in days.
RU_CARRIERS = (("СДЭК", 3, 6), ("Почта России", 6, 14), ("Boxberry", 4, 8))
US_CARRIERS = (("UPS", 2, 5), ("FedEx", 2, 4), ("USPS", 3, 7))

# Shipping fee and the order value above which shipping is free (minor units).
SHIPPING = {"RUB": (29900, 300000), "USD": (599, 5000)}
