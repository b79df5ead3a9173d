"""Administration of units and users."""


class AdminRoutes:
    pass
