"""What demo records say, in the customer's language: order events, agents' notes, tickets and callbacks."""

from __future__ import annotations

ORDER_EVENT_TEXT = {
    "ru": {
        "new": "Заказ оформлен на сайте",
        "paid": "Оплата получена",
        "packed": "Заказ собран на складе",
        "shipped": "Передан в службу доставки {carrier}",
        "in_transit": "В пути: прибыл в сортировочный центр",
        "out_for_delivery": "Передан курьеру для доставки",
        "delivered": "Вручён получателю",
        "delayed": "Задержка доставки: перегруз на сортировочном центре",
        "returned": "Возврат принят на склад, деньги возвращены",
        "cancelled": "Заказ отменён по просьбе покупателя",
    },
    "en": {
        "new": "Order placed online",
        "paid": "Payment received",
        "packed": "Packed at the warehouse",
        "shipped": "Handed over to {carrier}",
        "in_transit": "In transit: arrived at a sorting hub",
        "out_for_delivery": "Out for delivery",
        "delivered": "Delivered",
        "delayed": "Delivery delayed: backlog at the sorting hub",
        "returned": "Return received at the warehouse, refund issued",
        "cancelled": "Cancelled at the customer's request",
    },
}

# Agents' notes by disposition, each with at least one note that names no order; {order} is an order number,
# {date} a date.
NOTES = {
    "ru": {
        "order_status_given": ("Клиент уточнил статус заказа №{order}, сообщили срок доставки {date}.",
                               "Звонок по заказу №{order}: назвали трек-номер и ориентировочную дату {date}.",
                               "Сообщили статус заказа и срок доставки."),
        "resolved": ("Вопрос решён на линии, клиент доволен.",
                     "Помогли изменить адрес доставки по заказу №{order}.",
                     "Объяснили условия возврата, клиент оформит заявку на сайте."),
        "escalated": ("Жалоба на задержку заказа №{order}, передано в службу доставки.",
                      "Товар из заказа №{order} пришёл повреждённым — открыт тикет.",
                      "Жалоба на работу курьера, открыт тикет."),
        "callback_requested": ("Клиент просил перезвонить после 18:00 — «сейчас неудобно».",
                               "Перезвонить: уточнить дату доставки заказа №{order}."),
        "sale": ("Оформлен заказ по телефону, клиент выбрал доставку курьером.",
                 "Клиент согласился на предложение, заказ оформлен."),
        "not_interested": ("Клиенту неинтересно предложение.", "Отказался, просил не предлагать аналоги."),
        "do_not_call": ("Клиент просит больше не звонить.",),
        "wrong_number": ("Ошибочный номер, абонент не наш клиент.",),
        "note": ("Клиент написал в чат: уточнял наличие товара.", "Отправили клиенту ссылку на оплату по SMS.",
                 "Клиент предпочитает связь по e-mail."),
    },
    "en": {
        "order_status_given": ("Customer asked about order #{order}; gave the ETA of {date}.",
                               "Order #{order}: shared the tracking number, expected on {date}.",
                               "Gave the order status and delivery date."),
        "resolved": ("Resolved on the call; customer happy.",
                     "Changed the delivery address on order #{order}.",
                     "Explained the return policy; customer will file it online."),
        "escalated": ("Complaint about the delay of order #{order}; passed to the carrier team.",
                      "Item from order #{order} arrived damaged; ticket opened.",
                      "Complaint about the courier; ticket opened."),
        "callback_requested": ("Customer asked us to call back after 6 pm.",
                               "Call back to confirm the delivery date of order #{order}."),
        "sale": ("Placed an order over the phone; courier delivery.", "Customer accepted the offer; order placed."),
        "not_interested": ("Not interested in the offer.", "Declined; asked not to suggest alternatives."),
        "do_not_call": ("Customer asked not to be called again.",),
        "wrong_number": ("Wrong number; not our customer.",),
        "note": ("Chat: customer asked whether an item is in stock.", "Sent a payment link by SMS.",
                 "Customer prefers e-mail."),
    },
}

TICKET_SUBJECTS = {
    "ru": ("Задержка доставки заказа №{order}", "Повреждённый товар в заказе №{order}",
           "Возврат средств по заказу №{order}", "Не пришёл чек по заказу №{order}",
           "Двойное списание по заказу №{order}"),
    "en": ("Order #{order} is late", "Damaged item in order #{order}", "Refund for order #{order}",
           "No receipt for order #{order}", "Charged twice for order #{order}"),
}
GENERAL_TICKET_SUBJECTS = {
    "ru": ("Жалоба на работу курьера", "Не получается войти в личный кабинет", "Изменить данные профиля"),
    "en": ("Complaint about the courier", "Cannot sign in to my account", "Update my profile details"),
}
FOLLOW_UP_NOTES = {
    "ru": ("Проверить ответ службы доставки по тикету", "Сообщить клиенту решение по тикету"),
    "en": ("Check the carrier's answer on the ticket", "Tell the customer how the ticket was resolved"),
}
