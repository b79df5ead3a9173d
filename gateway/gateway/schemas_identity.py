"""Marshmallow schemas of sign-in, activation, the caller's profile and administration.

Only the shape is checked here (a missing field is a 400 ``invalid_input``); the rules with
their own codes and Thai messages (citizen ID check digit, e-mail format, password policy)
are the identity service's, so every client gets the same answer.
"""

from marshmallow import EXCLUDE, Schema, fields, validate


class Body(Schema):
    class Meta:
        unknown = EXCLUDE


def text(required=True, maximum=500, **kwargs):
    return fields.String(
        required=required, validate=validate.Length(min=1 if required else 0, max=maximum), **kwargs
    )


# --- sign-in and activation ---------------------------------------------------------------


class LoginBody(Body):
    username = text(maximum=80, metadata={"example": "tuayang_hof"})
    password = text(maximum=200)


class Identity(Schema):
    citizen_id = fields.String()
    first_name = fields.String()
    last_name = fields.String()


class UnitRef(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    subtype = fields.String(allow_none=True)


class Me(Schema):
    id = fields.String()
    username = fields.String()
    title = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    citizen_id = fields.String(allow_none=True, metadata={"description": "masked"})
    status = fields.String()
    profile_required = fields.Boolean()
    unit = fields.Nested(UnitRef)
    groups = fields.List(fields.String())
    permissions = fields.List(fields.String())
    last_sign_in_at = fields.String(allow_none=True)


class LoginAnswer(Schema):
    status = fields.String(metadata={"description": "authenticated | activation_required"})
    access_token = fields.String()
    refresh_token = fields.String()
    user = fields.Nested(Me)
    activation_token = fields.String()
    next_step = fields.String(metadata={"description": "citizen_id | email | thaid | profile"})
    identity = fields.Nested(Identity)
    authorization_url = fields.String(metadata={"description": "ThaiD (OIDC mode) only"})


class CitizenIdBody(Body):
    activation_token = text(maximum=200)
    citizen_id = text(maximum=40, metadata={"example": "1101700203450"})


class CitizenIdAnswer(Schema):
    identity = fields.Nested(Identity)
    next_step = fields.String(metadata={"example": "email"})
    authorization_url = fields.String()


class ThaidCallbackBody(Body):
    activation_token = text(maximum=200)
    state = text(maximum=200)
    code = text(required=False, maximum=2000)
    error = text(required=False, maximum=200)


class EmailBody(Body):
    activation_token = text(maximum=200)
    email = text(maximum=254, metadata={"example": "example@gmail.com"})


class ActivationTokenBody(Body):
    activation_token = text(maximum=200)


class OtpSent(Schema):
    otp_ref = fields.String(metadata={"example": "E00152"})
    masked_email = fields.String(metadata={"example": "xxxple@gmail.com"})
    expires_in = fields.Integer(metadata={"example": 300})
    resend_after = fields.Integer(metadata={"example": 60})
    next_step = fields.String(metadata={"example": "otp"})


class OtpBody(Body):
    activation_token = text(maximum=200)
    otp = text(maximum=20)


class NextStep(Schema):
    next_step = fields.String()


class PasswordBody(Body):
    activation_token = text(maximum=200)
    new_password = text(maximum=200)


class PasswordAnswer(Schema):
    status = fields.String(metadata={"example": "authenticated"})
    access_token = fields.String()
    refresh_token = fields.String()
    next_step = fields.String(metadata={"description": "profile | done"})
    user = fields.Nested(Me)


class RefreshBody(Body):
    refresh_token = text(maximum=200)


class Tokens(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    expires_in = fields.Integer()


class LogoutBody(Body):
    refresh_token = text(required=False, maximum=200)


class SignedOut(Schema):
    status = fields.String(metadata={"example": "signed_out"})


class ProfileBody(Body):
    citizen_id = text(maximum=40)
    title = text(maximum=40)
    first_name = text(maximum=200)
    last_name = text(maximum=200)
    position = text(maximum=200)
    phone = text(maximum=40)


# --- administration -------------------------------------------------------------------------


class UnitBody(Body):
    code = text(maximum=40, metadata={"example": "LAO-5001"})
    name = text(maximum=300, metadata={"example": "เทศบาลตำบลตัวอย่าง"})
    kind = fields.String(
        required=True, metadata={"description": "province_office | lao | subordinate_unit"}
    )
    parent_id = fields.String(allow_none=True)
    subtype = fields.String(allow_none=True, metadata={"example": "school"})
    province_id = fields.String(allow_none=True)


class UnitAnswer(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    parent_id = fields.String(allow_none=True)
    province_id = fields.String(allow_none=True)
    subtype = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "active | dissolved | merged"})
    successor_id = fields.String(allow_none=True)
    children = fields.List(fields.Dict())


class MergeBody(Body):
    successor_id = text(maximum=64)


class UserBody(Body):
    username = text(maximum=80)
    unit_id = text(maximum=64)
    groups = fields.List(fields.String(), load_default=list)
    citizen_id = fields.String(allow_none=True)
    initial_password = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    position = fields.String(allow_none=True)


class UserAnswer(Schema):
    id = fields.String()
    username = fields.String()
    name = fields.String(allow_none=True)
    unit_id = fields.String()
    unit_name = fields.String()
    groups = fields.List(fields.String())
    status = fields.String(metadata={"description": "pending_activation | active | revoked"})
    initial_password = fields.String(metadata={"description": "only when the system chose it"})
    last_sign_in_at = fields.String(allow_none=True)


class GroupsBody(Body):
    groups = fields.List(fields.String(), required=True)


class RevokeAnswer(Schema):
    id = fields.String()
    status = fields.String(metadata={"example": "revoked"})


class AccessReviewQuery(Body):
    unit_id = fields.String()


class AccessReview(Schema):
    unit_id = fields.String(allow_none=True)
    users = fields.List(fields.Nested(UserAnswer))
