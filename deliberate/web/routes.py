"""The one route table. Every page, API endpoint and websocket is named here.

Every button is its own route to its own handler: `/staff/s/{code}/<act>` is `console_<act>`,
`/staff/s/{code}/outcomes/<act>` is `outcomes_<act>`, `/staff/s/{code}/resolutions/<act>` is
`resolutions_desk_<act>` and the phone's `/s/{code}/resolutions/<act>` is `resolutions_<act>`, with `_` for
`-` (`slow-mode` is `console_slow_mode`). A path no route names answers 404 from the router."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Match, Mount, Route, Router, WebSocketRoute
from starlette.types import Receive, Scope, Send

from deliberate.settings import ROOT
from deliberate.web import live, ops
from deliberate.web.api import accounts as api_accounts
from deliberate.web.api import joining, openapi, outcomes, resolutions, screen, v1, voting
from deliberate.web.assets import AssetFiles, ShortCacheFiles
from deliberate.web.views.participant import board, follow_up, join, my_data, now, proposal, vote
from deliberate.web.views.participant import resolutions as phone
from deliberate.web.views.staff import accounts, assemblies, console, portal, projector
from deliberate.web.views.staff import outcomes as outcome_desk
from deliberate.web.views.staff import resolutions as desk

NODE = ROOT / "node_modules"


def routes() -> list[BaseRoute]:
    return [
        Route("/", join.home, name="home"),
        # operations (see web/ops.py)
        Route("/healthz", ops.healthz, name="healthz"),
        Route("/readyz", ops.readyz, name="readyz"),
        Route("/metrics", ops.metrics, name="metrics"),
        # participants
        Route("/s/{code}/join", join.join, methods=["GET", "POST"], name="join"),
        Route("/s/{code}", board.session_page, name="session_page"),
        Route("/s/{code}/proposals", board.propose, methods=["POST"], name="propose"),
        Route("/s/{code}/p/{proposal_id:int}", proposal.proposal_page, name="proposal_page"),
        Route("/s/{code}/p/{proposal_id:int}/comments", proposal.comment, methods=["POST"], name="comment"),
        Route("/s/{code}/p/{proposal_id:int}/support", proposal.support, methods=["POST"], name="support"),
        Route("/s/{code}/p/{proposal_id:int}/pledge", proposal.pledge, methods=["POST"], name="pledge"),
        Route("/a/{assembly_id:int}/follow-up", follow_up.follow_up_page, name="follow_up"),
        Route("/s/{code}/vote", vote.vote_page, name="vote_page"),
        Route("/s/{code}/now", now.now_card, name="now_card"),
        Route("/s/{code}/vote", vote.vote, methods=["POST"], name="vote"),
        Route("/s/{code}/similar", vote.similar_hint, name="similar"),
        Route("/s/{code}/rank", vote.rank, methods=["POST"], name="rank"),
        Route("/s/{code}/statements", vote.statement, methods=["POST"], name="write_statement"),
        Route("/s/{code}/resolutions", phone.phone_page, name="resolutions_page"),
        Route("/s/{code}/resolutions/amend", phone.amend, methods=["POST"], name="resolutions_amend"),
        Route("/s/{code}/resolutions/back", phone.back, methods=["POST"], name="resolutions_back"),
        Route("/s/{code}/resolutions/answer", phone.answer, methods=["POST"], name="resolutions_answer"),
        Route("/s/{code}/resolutions/comment", phone.comment, methods=["POST"], name="resolutions_comment"),
        Route("/geo/subdistricts", join.subdistricts, name="subdistricts"),
        Route("/s/{code}/me", my_data.my_data_page, methods=["GET", "POST"], name="my_data"),
        Route("/s/{code}/qr.svg", join.qr_svg, name="qr"),
        Route("/s/{code}/screen", projector.projector, name="projector"),
        # staff
        Route("/staff/login", accounts.login, methods=["GET", "POST"], name="login"),
        Route("/staff/logout", accounts.logout, methods=["POST"], name="logout"),
        Route("/staff/invitations", accounts.invitations, methods=["GET", "POST"], name="invitations"),
        Route(
            "/staff/invitations/withdraw",
            accounts.withdraw_invitation,
            methods=["POST"],
            name="withdraw_invitation",
        ),
        Route("/staff/users/provinces", accounts.province_grant, methods=["POST"], name="staff_province_grant"),
        Route(
            "/staff/users/provinces/withdraw",
            accounts.province_withdraw,
            methods=["POST"],
            name="staff_province_withdraw",
        ),
        Route("/staff/users", accounts.staff_users, methods=["GET", "POST"], name="staff_users"),
        Route("/staff/plans", accounts.province_plan, methods=["GET", "POST"], name="province_plan"),
        Route("/staff/invite", accounts.accept_invitation, methods=["GET", "POST"], name="accept_invitation"),
        Route("/staff/reset", accounts.reset_password, methods=["GET", "POST"], name="reset_password"),
        Route("/staff", assemblies.dashboard, methods=["GET", "POST"], name="dashboard"),
        Route(
            "/staff/assemblies/{assembly_id:int}",
            assemblies.assembly_page,
            methods=["GET", "POST"],
            name="assembly_page",
        ),
        Route(
            "/staff/assemblies/{assembly_id:int}/team",
            assemblies.team_add,
            methods=["POST"],
            name="assembly_team_add",
        ),
        Route(
            "/staff/assemblies/{assembly_id:int}/team/remove",
            assemblies.team_remove,
            methods=["POST"],
            name="assembly_team_remove",
        ),
        Route("/staff/portal", portal.portal, name="portal"),
        Route("/staff/s/{code}", console.console, name="console"),
        Route("/staff/s/{code}/outcomes", outcome_desk.desk, name="outcomes_desk"),
        Route("/staff/s/{code}/outcomes/answer", outcome_desk.answer, methods=["POST"], name="outcomes_answer"),
        Route(
            "/staff/s/{code}/outcomes/commitment", outcome_desk.commitment, methods=["POST"], name="outcomes_commitment"
        ),
        Route(
            "/staff/s/{code}/outcomes/action-item",
            outcome_desk.action_item,
            methods=["POST"],
            name="outcomes_action_item",
        ),
        Route("/staff/s/{code}/outcomes/progress", outcome_desk.progress, methods=["POST"], name="outcomes_progress"),
        Route("/staff/s/{code}/resolutions", desk.desk, name="resolutions_desk"),
        Route("/staff/s/{code}/resolutions/item", desk.item, methods=["POST"], name="resolutions_desk_item"),
        Route(
            "/staff/s/{code}/resolutions/revise-item",
            desk.revise_item,
            methods=["POST"],
            name="resolutions_desk_revise_item",
        ),
        Route(
            "/staff/s/{code}/resolutions/add-clause",
            desk.add_clause,
            methods=["POST"],
            name="resolutions_desk_add_clause",
        ),
        Route("/staff/s/{code}/resolutions/redraft", desk.redraft, methods=["POST"], name="resolutions_desk_redraft"),
        Route(
            "/staff/s/{code}/resolutions/criteria", desk.criteria, methods=["POST"], name="resolutions_desk_criteria"
        ),
        Route("/staff/s/{code}/resolutions/screen", desk.screen, methods=["POST"], name="resolutions_desk_screen"),
        Route("/staff/s/{code}/resolutions/merge", desk.merge, methods=["POST"], name="resolutions_desk_merge"),
        Route("/staff/s/{code}/resolutions/rules", desk.rules, methods=["POST"], name="resolutions_desk_rules"),
        Route(
            "/staff/s/{code}/resolutions/delegate", desk.delegate, methods=["POST"], name="resolutions_desk_delegate"
        ),
        Route("/staff/s/{code}/resolutions/decide", desk.decide, methods=["POST"], name="resolutions_desk_decide"),
        Route(
            "/staff/s/{code}/resolutions/open-check",
            desk.open_check,
            methods=["POST"],
            name="resolutions_desk_open_check",
        ),
        Route(
            "/staff/s/{code}/resolutions/close-check",
            desk.close_check,
            methods=["POST"],
            name="resolutions_desk_close_check",
        ),
        Route("/staff/s/{code}/brief.{fmt}", outcome_desk.download_brief, name="staff_brief"),
        Route("/staff/s/{code}/minutes.{fmt}", outcome_desk.download_minutes, name="staff_minutes"),
        Route("/staff/s/{code}/resolution", outcome_desk.resolution_page, name="staff_resolution_page"),
        Route("/staff/s/{code}/resolution.{fmt}", outcome_desk.download_resolution, name="staff_resolution"),
        Route("/staff/s/{code}/phase", console.phase, methods=["POST"], name="console_phase"),
        Route("/staff/s/{code}/permissions", console.permissions, methods=["POST"], name="console_permissions"),
        Route("/staff/s/{code}/timer", console.timer, methods=["POST"], name="console_timer"),
        Route("/staff/s/{code}/premoderation", console.premoderation, methods=["POST"], name="console_premoderation"),
        Route("/staff/s/{code}/slow-mode", console.slow_mode, methods=["POST"], name="console_slow_mode"),
        Route("/staff/s/{code}/doors", console.doors, methods=["POST"], name="console_doors"),
        Route("/staff/s/{code}/spotlight", console.spotlight, methods=["POST"], name="console_spotlight"),
        Route("/staff/s/{code}/screen", console.screen, methods=["POST"], name="console_screen"),
        Route("/staff/s/{code}/moderate", console.moderate, methods=["POST"], name="console_moderate"),
        Route("/staff/s/{code}/hide-comment", console.hide_comment, methods=["POST"], name="console_hide_comment"),
        Route("/staff/s/{code}/map-placement", console.map_placement, methods=["POST"], name="console_map_placement"),
        Route(
            "/staff/s/{code}/restore-comment", console.restore_comment, methods=["POST"], name="console_restore_comment"
        ),
        Route(
            "/staff/s/{code}/assisted-proposal",
            console.assisted_proposal,
            methods=["POST"],
            name="console_assisted_proposal",
        ),
        Route(
            "/staff/s/{code}/assisted-support",
            console.assisted_support,
            methods=["POST"],
            name="console_assisted_support",
        ),
        Route(
            "/staff/s/{code}/assisted-vote",
            console.assisted_vote,
            methods=["POST"],
            name="console_assisted_vote",
        ),
        Route("/staff/s/{code}/open-round", console.open_round, methods=["POST"], name="console_open_round"),
        Route("/staff/s/{code}/close-round", console.close_round, methods=["POST"], name="console_close_round"),
        Route("/staff/s/{code}/reveal-round", console.reveal_round, methods=["POST"], name="console_reveal_round"),
        Route("/staff/s/{code}/hide-results", console.hide_results, methods=["POST"], name="console_hide_results"),
        Route("/staff/s/{code}/paper", console.paper, methods=["POST"], name="console_paper"),
        Route(
            "/staff/s/{code}/seed-statement", console.seed_statement, methods=["POST"], name="console_seed_statement"
        ),
        # JSON API
        Route("/api/v1/openapi.json", openapi.openapi, name="openapi"),
        Route("/api/v1/auth/token", v1.token, methods=["POST"], name="api_token"),
        Route("/api/v1/me", api_accounts.me, methods=["GET", "DELETE"], name="api_me"),
        Route("/api/v1/staff/invitations", v1.write(api_accounts.invite), methods=["POST"], name="api_invitations"),
        Route(
            "/api/v1/staff/invitations/{link_id}",
            v1.write(api_accounts.withdraw_invitation),
            methods=["DELETE"],
            name="api_invitation",
        ),
        Route(
            "/api/v1/staff/province-grants",
            api_accounts.province_grants,
            methods=["GET", "POST"],
            name="api_province_grants",
        ),
        Route(
            "/api/v1/staff/province-grants/{grant_id}",
            v1.write(api_accounts.withdraw_province),
            methods=["DELETE"],
            name="api_province_grant",
        ),
        Route(
            "/api/v1/provinces/{province_code}/plan",
            api_accounts.province_plan,
            methods=["GET", "PUT"],
            name="api_province_plan",
        ),
        Route("/api/v1/assemblies/{assembly_id}/team", api_accounts.team, methods=["GET", "POST"], name="api_team"),
        Route(
            "/api/v1/assemblies/{assembly_id}/team/{grant_id}",
            v1.write(api_accounts.remove_from_team),
            methods=["DELETE"],
            name="api_team_member",
        ),
        Route(
            "/api/v1/staff/invitations/accept",
            api_accounts.accept_invitation,
            methods=["POST"],
            name="api_invitation_accept",
        ),
        Route(
            "/api/v1/staff/password-resets",
            v1.write(api_accounts.request_reset),
            methods=["POST"],
            name="api_password_resets",
        ),
        Route(
            "/api/v1/staff/password-resets/accept",
            api_accounts.reset_password,
            methods=["POST"],
            name="api_password_reset_accept",
        ),
        Route("/api/v1/sessions", v1.write(v1.create_session), methods=["POST"], name="api_sessions"),
        Route("/api/v1/sessions/{code}", v1.session_detail, name="api_session"),
        Route("/api/v1/sessions/{code}/phase", v1.write(v1.set_phase), methods=["POST"], name="api_phase"),
        Route("/api/v1/sessions/{code}/screen", v1.write(screen.screen), methods=["POST"], name="api_screen"),
        Route("/api/v1/sessions/{code}/joining", joining.joining, methods=["GET", "POST"], name="api_joining"),
        Route("/api/v1/sessions/{code}/participants", v1.write(v1.join), methods=["POST"], name="api_join"),
        Route("/api/v1/sessions/{code}/proposals", v1.proposals, methods=["GET"], name="api_proposals"),
        Route("/api/v1/sessions/{code}/proposals", v1.write(v1.submit), methods=["POST"], name="api_submit"),
        Route("/api/v1/sessions/{code}/results", voting.results, name="api_results"),
        Route("/api/v1/sessions/{code}/rounds", v1.write(voting.open_round), methods=["POST"], name="api_rounds"),
        Route(
            "/api/v1/sessions/{code}/rounds/{round_id}/close",
            v1.write(voting.close_round),
            methods=["POST"],
            name="api_round_close",
        ),
        Route(
            "/api/v1/sessions/{code}/rounds/{round_id}/reveal",
            v1.write(voting.reveal_round),
            methods=["POST"],
            name="api_round_reveal",
        ),
        Route(
            "/api/v1/sessions/{code}/rounds/{round_id}/paper",
            v1.write(voting.paper_ballot),
            methods=["POST"],
            name="api_round_paper",
        ),
        Route("/api/v1/sessions/{code}/rankings", v1.write(voting.ranking), methods=["POST"], name="api_rankings"),
        Route(
            "/api/v1/sessions/{code}/statements", v1.write(voting.statements), methods=["POST"], name="api_statements"
        ),
        Route("/api/v1/sessions/{code}/statements/next", voting.next_one, name="api_next_statement"),
        Route("/api/v1/sessions/{code}/opinion-map", voting.opinion_map, name="api_opinion_map"),
        Route("/api/v1/sessions/{code}/brief.{fmt}", outcomes.brief, name="api_brief"),
        Route("/api/v1/sessions/{code}/minutes.{fmt}", outcomes.minutes, name="api_minutes"),
        Route("/api/v1/assemblies/{assembly_id}/follow-up", outcomes.follow_up, name="api_follow_up"),
        Route(
            "/api/v1/assemblies/{assembly_id}/check-in",
            v1.write(outcomes.check_in),
            methods=["POST"],
            name="api_check_in",
        ),
        Route("/api/v1/sessions/{code}/items", resolutions.items, name="api_items"),
        Route(
            "/api/v1/sessions/{code}/items", v1.write(resolutions.create_item), methods=["POST"], name="api_create_item"
        ),
        Route(
            "/api/v1/sessions/{code}/resolution-rules",
            v1.write(resolutions.rules),
            methods=["POST"],
            name="api_resolution_rules",
        ),
        Route(
            "/api/v1/sessions/{code}/delegates", v1.write(resolutions.delegates), methods=["POST"], name="api_delegates"
        ),
        Route("/api/v1/sessions/{code}/resolution.{fmt}", resolutions.download, name="api_resolution"),
        Route(
            "/api/v1/clauses/{clause_id}/amendments",
            v1.write(resolutions.amendments),
            methods=["POST"],
            name="api_amendments",
        ),
        Route("/api/v1/clauses/{clause_id}/checks", v1.write(resolutions.checks), methods=["POST"], name="api_checks"),
        Route("/api/v1/items/{item_id}", v1.write(resolutions.revise_item), methods=["POST"], name="api_item"),
        Route(
            "/api/v1/items/{item_id}/clauses",
            v1.write(resolutions.add_clause),
            methods=["POST"],
            name="api_item_clauses",
        ),
        Route(
            "/api/v1/clauses/{clause_id}/draft",
            v1.write(resolutions.revise_clause),
            methods=["POST"],
            name="api_clause_draft",
        ),
        Route("/api/v1/clauses/{clause_id}/merge", v1.write(resolutions.merge), methods=["POST"], name="api_merge"),
        Route(
            "/api/v1/clauses/{clause_id}/comments",
            v1.write(resolutions.clause_comments),
            methods=["POST"],
            name="api_clause_comments",
        ),
        Route(
            "/api/v1/assemblies/{assembly_id}/criteria",
            resolutions.criteria,
            methods=["GET", "POST"],
            name="api_criteria",
        ),
        Route(
            "/api/v1/proposals/{proposal_id}/screening",
            v1.write(resolutions.screen),
            methods=["POST"],
            name="api_screening",
        ),
        Route("/api/v1/sessions/{code}/screening", resolutions.screening_table, name="api_screening_table"),
        Route(
            "/api/v1/amendments/{amendment_id}/backers",
            v1.write(resolutions.backing),
            methods=["POST"],
            name="api_backers",
        ),
        Route(
            "/api/v1/amendments/{amendment_id}/decision",
            v1.write(resolutions.decision),
            methods=["POST"],
            name="api_decision",
        ),
        Route("/api/v1/checks/{check_id}", resolutions.check_result, name="api_check"),
        Route(
            "/api/v1/checks/{check_id}/answers",
            v1.write(resolutions.answers),
            methods=["POST"],
            name="api_check_answers",
        ),
        Route("/api/v1/checks/{check_id}/close", v1.write(resolutions.close), methods=["POST"], name="api_check_close"),
        Route("/api/v1/proposals/{proposal_id}/answer", v1.write(outcomes.answer), methods=["POST"], name="api_answer"),
        Route(
            "/api/v1/proposals/{proposal_id}/commitments",
            v1.write(outcomes.commitments),
            methods=["POST"],
            name="api_commitments",
        ),
        Route(
            "/api/v1/proposals/{proposal_id}/action-items",
            v1.write(outcomes.action_items),
            methods=["POST"],
            name="api_action_items",
        ),
        Route(
            "/api/v1/action-items/{item_id}/updates", v1.write(outcomes.progress), methods=["POST"], name="api_progress"
        ),
        Route("/api/v1/proposals/{proposal_id}/votes", v1.write(voting.vote), methods=["POST"], name="api_votes"),
        Route("/api/v1/proposals/{proposal_id}/comments", v1.write(v1.comment), methods=["POST"], name="api_comment"),
        Route(
            "/api/v1/proposals/{proposal_id}/support",
            v1.write(v1.support),
            methods=["POST", "DELETE"],
            name="api_support",
        ),
        Route(
            "/api/v1/proposals/{proposal_id}/moderation",
            v1.write(v1.moderation),
            methods=["POST"],
            name="api_moderation",
        ),
        Route(
            "/api/v1/comments/{comment_id}/moderation",
            v1.write(v1.comment_moderation),
            methods=["POST"],
            name="api_comment_moderation",
        ),
        Route(
            "/api/v1/sessions/{code}/participants/{participant_id}/map",
            v1.write(v1.map_placement),
            methods=["POST"],
            name="api_map_placement",
        ),
        # live
        WebSocketRoute("/ws/sessions/{code}", live.session_socket, name="ws_session"),
        Route("/s/{code}/live", live.live_poll, name="live_poll"),
        # files
        # hashed names (see web/assets.py) under /static, and the plain paths with a short cache
        Mount("/static", AssetFiles(directory=ROOT / "static"), name="static"),
        Mount("/vendor/htmx", ShortCacheFiles(directory=NODE / "htmx.org" / "dist", check_dir=False), name="htmx"),
        Mount(
            "/vendor/sarabun",
            ShortCacheFiles(directory=NODE / "@fontsource" / "sarabun" / "files", check_dir=False),
            name="sarabun",
        ),
    ]


class MemoRouter(Router):
    """Starlette's router, remembering which route each (method, path) reached. The plain router tries the
    routes in order, about 180 patterns, and a hall's phones ask for the same few paths over and over: the
    remembered route is tried alone (it must still match, so path parameters are converted as usual). The
    write throttle asks the same question before the router does (`match`), and gets the same memory.
    A miss, a redirect and a websocket take the ordinary walk."""

    MEMO_MAX = 20_000  # paths hold ids; the memory starts over when full

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo: dict[tuple[str, str], BaseRoute] = {}

    def match(self, scope: Scope) -> tuple[BaseRoute | None, Scope]:
        """The route an http request reaches, as the router chooses it (the first full match, else the first
        partial one: a wrong method, answered 405), with its child scope; (None, {}) when none does."""
        key = (scope["method"], scope["path"])
        route = self._memo.get(key)
        if route is None:
            partial = None
            for candidate in self.routes:
                found = candidate.matches(scope)[0]
                if found is Match.FULL:
                    route = candidate
                    break
                if found is Match.PARTIAL and partial is None:
                    partial = candidate
            route = route or partial
            if route is None:
                return None, {}
            if len(self._memo) >= self.MEMO_MAX:
                self._memo.clear()
            self._memo[key] = route
        return route, route.matches(scope)[1]

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        route, child = self.match(scope) if scope["type"] == "http" else (None, {})
        if route is None:
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        scope["route"] = route
        scope.update(child)
        await route.handle(scope, receive, send)
