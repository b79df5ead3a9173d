"""Administration of units and users. The identity service decides who may do what from
the caller as stored now; the gateway checks the token and passes the caller on."""

from ..auth import client_address
from ..errors import json_response
from ..http import route
from ..schemas import load_body, load_query
from ..schemas_identity import (
    AccessReview,
    AccessReviewQuery,
    GroupsBody,
    MergeBody,
    RevokeAnswer,
    UnitAnswer,
    UnitBody,
    UserAnswer,
    UserBody,
)

TAG = "administration"


class AdminRoutes:
    def _revoked_here(self, answer: dict) -> dict:
        """Drop the ended sessions on this instance before answering (others get the
        broadcast); the ids are not part of the answer."""
        self.auth.revoke(answer.pop("revoked_sessions", None))
        return answer

    @route(
        "POST",
        "/api/v1/admin/units",
        "Add a unit (the Department only)",
        body=UnitBody,
        response=UnitAnswer,
        status=201,
        tag=TAG,
    )
    def create_unit(self, request):
        actor = self.auth.actor(request)
        body = load_body(request, UnitBody())
        answer = self.identity.create_unit(
            actor.as_dict(), body, client_address=client_address(request)
        )
        return json_response(answer, 201)

    @route("GET", "/api/v1/admin/units/<unit_id>", "A unit", response=UnitAnswer, tag=TAG)
    def get_unit(self, request, unit_id):
        actor = self.auth.actor(request)
        return json_response(self.identity.get_unit(actor.as_dict(), unit_id))

    @route(
        "POST",
        "/api/v1/admin/units/<unit_id>/dissolve",
        "Dissolve (ยุบเลิก) a subordinate unit; its books stay readable",
        response=UnitAnswer,
        tag=TAG,
    )
    def dissolve_unit(self, request, unit_id):
        actor = self.auth.actor(request)
        answer = self.identity.dissolve_unit(
            actor.as_dict(), unit_id, client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/admin/units/<unit_id>/merge",
        "Merge (ยุบรวม) a subordinate unit into its successor",
        body=MergeBody,
        response=UnitAnswer,
        tag=TAG,
    )
    def merge_unit(self, request, unit_id):
        actor = self.auth.actor(request)
        body = load_body(request, MergeBody())
        answer = self.identity.merge_unit(
            actor.as_dict(), unit_id, body["successor_id"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/admin/users",
        "Add a user (pending activation)",
        body=UserBody,
        response=UserAnswer,
        status=201,
        tag=TAG,
    )
    def create_user(self, request):
        actor = self.auth.actor(request)
        body = load_body(request, UserBody())
        answer = self.identity.create_user(
            actor.as_dict(), body, client_address=client_address(request)
        )
        return json_response(answer, 201)

    @route("GET", "/api/v1/admin/users/<user_id>", "A user", response=UserAnswer, tag=TAG)
    def get_user(self, request, user_id):
        actor = self.auth.actor(request)
        return json_response(self.identity.get_user(actor.as_dict(), user_id))

    @route(
        "PUT",
        "/api/v1/admin/users/<user_id>/groups",
        "Change a user's groups (their sessions end so the change applies at once)",
        body=GroupsBody,
        response=UserAnswer,
        tag=TAG,
    )
    def change_groups(self, request, user_id):
        actor = self.auth.actor(request)
        body = load_body(request, GroupsBody())
        answer = self.identity.change_groups(
            actor.as_dict(), user_id, body["groups"], client_address=client_address(request)
        )
        return json_response(self._revoked_here(answer))

    @route(
        "DELETE",
        "/api/v1/admin/users/<user_id>",
        "Revoke a user: their sessions stop working at once",
        response=RevokeAnswer,
        tag=TAG,
    )
    def revoke_user(self, request, user_id):
        actor = self.auth.actor(request)
        answer = self.identity.revoke_user(
            actor.as_dict(), user_id, client_address=client_address(request)
        )
        return json_response(self._revoked_here(answer))

    @route(
        "GET",
        "/api/v1/admin/access-review",
        "Users, groups and last sign-in of the units the caller administers",
        query=AccessReviewQuery,
        response=AccessReview,
        tag=TAG,
    )
    def access_review(self, request):
        actor = self.auth.actor(request)
        query = load_query(request, AccessReviewQuery())
        return json_response(self.identity.access_review(actor.as_dict(), query.get("unit_id")))
