"""Names of people and companies, in Russian and English, and the transliteration used for demo e-mails."""

from __future__ import annotations

RU_MALE_FIRST = (
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Валерий", "Василий", "Виктор",
    "Владимир", "Владислав", "Геннадий", "Георгий", "Григорий", "Даниил", "Денис", "Дмитрий", "Евгений", "Егор",
    "Иван", "Игорь", "Илья", "Кирилл", "Константин", "Леонид", "Максим", "Михаил", "Никита", "Николай",
    "Олег", "Павел", "Пётр", "Роман", "Руслан", "Сергей", "Станислав", "Степан", "Тимур", "Фёдор", "Юрий",
)
RU_FEMALE_FIRST = (
    "Александра", "Алёна", "Алина", "Алла", "Анастасия", "Анна", "Валентина", "Валерия", "Вера", "Виктория",
    "Галина", "Дарья", "Диана", "Евгения", "Екатерина", "Елена", "Елизавета", "Жанна", "Зоя", "Инна",
    "Ирина", "Кристина", "Ксения", "Лариса", "Любовь", "Людмила", "Маргарита", "Марина", "Мария", "Надежда",
    "Наталья", "Нина", "Оксана", "Ольга", "Полина", "Светлана", "Софья", "Татьяна", "Юлия", "Яна",
)
# (masculine, feminine) forms of the same surname.
RU_SURNAMES = (
    ("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"), ("Васильев", "Васильева"), ("Соколов", "Соколова"), ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"), ("Фёдоров", "Фёдорова"), ("Морозов", "Морозова"), ("Волков", "Волкова"),
    ("Алексеев", "Алексеева"), ("Лебедев", "Лебедева"), ("Семёнов", "Семёнова"), ("Егоров", "Егорова"),
    ("Павлов", "Павлова"), ("Козлов", "Козлова"), ("Степанов", "Степанова"), ("Николаев", "Николаева"),
    ("Орлов", "Орлова"), ("Андреев", "Андреева"), ("Макаров", "Макарова"), ("Никитин", "Никитина"),
    ("Захаров", "Захарова"), ("Зайцев", "Зайцева"), ("Соловьёв", "Соловьёва"), ("Борисов", "Борисова"),
    ("Яковлев", "Яковлева"), ("Григорьев", "Григорьева"), ("Романов", "Романова"), ("Воробьёв", "Воробьёва"),
    ("Сергеев", "Сергеева"), ("Кузьмин", "Кузьмина"), ("Фролов", "Фролова"), ("Александров", "Александрова"),
    ("Дмитриев", "Дмитриева"), ("Королёв", "Королёва"), ("Гусев", "Гусева"), ("Киселёв", "Киселёва"),
    ("Ильин", "Ильина"), ("Максимов", "Максимова"), ("Поляков", "Полякова"), ("Сорокин", "Сорокина"),
    ("Виноградов", "Виноградова"), ("Ковалёв", "Ковалёва"), ("Белов", "Белова"), ("Медведев", "Медведева"),
    ("Антонов", "Антонова"), ("Тарасов", "Тарасова"), ("Жуков", "Жукова"), ("Баранов", "Баранова"),
    ("Островский", "Островская"), ("Вишневский", "Вишневская"), ("Шевченко", "Шевченко"), ("Ким", "Ким"),
    ("Бондаренко", "Бондаренко"), ("Щербаков", "Щербакова"), ("Ёлкин", "Ёлкина"), ("Чернов", "Чернова"),
)
EN_MALE_FIRST = (
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
    "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul", "Andrew", "Joshua",
    "Kevin", "Brian", "George", "Timothy", "Ryan", "Jason", "Jacob", "Gary", "Nicholas", "Eric",
)
EN_FEMALE_FIRST = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
    "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
    "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Sharon", "Cynthia", "Olivia",
)
EN_SURNAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "O'Brien",
)

RU_COMPANY_FORMS = ("ООО", "ООО", "АО", "ИП")
RU_COMPANY_NAMES = (
    "Ромашка", "Вектор", "Северный ветер", "Технопарк", "Альфа-Снаб", "Уральские самоцветы", "СибТорг",
    "Меридиан", "Добрый дом", "Волга-Логистик", "Кедр", "Строймаркет", "Белые ночи", "Гранит", "Невский офис",
    "Байкал", "Радуга", "Полярная звезда", "Медведь", "Калина",
)
EN_COMPANY_NAMES = (
    "Acme Supply", "Blue Ridge Outfitters", "Summit Office", "Harbor Lights", "Pinecrest Studio",
    "Golden Gate Trading", "Redwood Labs", "Lakeside Dental", "Maple Street Bakery", "Northwind Traders",
    "Silver Creek Realty", "Brightside Media", "Ironwood Fitness", "Cedar & Stone", "Starlight Events",
)
EN_COMPANY_SUFFIXES = ("LLC", "Inc.", "Co.", "Ltd.")

RU_EMAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "rambler.ru", "bk.ru", "inbox.ru")
EN_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "hotmail.com")

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}


def email_local_part(*words: str) -> str:
    """The Latin, lower-case, dot-joined form of a name for an e-mail address (Пётр Ёлкин -> petr.elkin)."""
    out = []
    for word in words:
        latin = "".join(_TRANSLIT.get(ch, ch) for ch in word.lower())
        out.append("".join(ch for ch in latin if ch.isascii() and ch.isalnum()))
    return ".".join(w for w in out if w)
