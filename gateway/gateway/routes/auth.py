"""Sign-in, activation, sessions and the caller's profile."""


class AuthRoutes:
    pass
