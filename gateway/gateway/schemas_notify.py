"""Schemas of the in-app notification routes."""

from marshmallow import Schema, fields, validate


class NotificationQuery(Schema):
    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationItem(Schema):
    id = fields.String(metadata={"example": "6f1c2b1e-9a55-4c61-9a0e-2b4d4a1d7e10"})
    title = fields.String(metadata={"example": "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"})
    body = fields.String()
    created_at = fields.DateTime()
    read = fields.Boolean()


class NotificationList(Schema):
    items = fields.List(fields.Nested(NotificationItem))
    unread_count = fields.Integer()
