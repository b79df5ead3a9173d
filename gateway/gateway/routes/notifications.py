"""In-app notifications: the caller's own, listed and marked read."""

from ..errors import json_response
from ..http import route
from ..schemas import load_query
from ..schemas_notify import NotificationItem, NotificationList, NotificationQuery


class NotificationRoutes:
    @route(
        "GET",
        "/api/v1/notifications",
        "My notifications, newest first",
        query=NotificationQuery,
        response=NotificationList,
        tag="notifications",
    )
    def notifications_list(self, request):
        actor = self.auth.actor(request)
        query = load_query(request, NotificationQuery())
        return json_response(
            self.notify.list_notifications(
                actor.user_id, unread_only=query["unread_only"], limit=query["limit"]
            )
        )

    @route(
        "POST",
        "/api/v1/notifications/<notification_id>/read",
        "Mark one of my notifications read",
        response=NotificationItem,
        tag="notifications",
    )
    def notification_mark_read(self, request, notification_id):
        actor = self.auth.actor(request)
        return json_response(self.notify.mark_read(actor.user_id, notification_id))
