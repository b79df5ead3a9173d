"""In-app notifications."""


class NotificationRoutes:
    pass
