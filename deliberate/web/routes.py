"""The one route table. Every page, API endpoint and websocket is named here."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from deliberate.settings import ROOT
from deliberate.web import live
from deliberate.web.api import openapi, v1
from deliberate.web.views import participant, staff

NODE = ROOT / "node_modules"


def routes() -> list[BaseRoute]:
    return [
        Route("/", participant.home, name="home"),
        # participants
        Route("/s/{code}/join", participant.join, methods=["GET", "POST"], name="join"),
        Route("/s/{code}", participant.session_page, name="session_page"),
        Route("/s/{code}/proposals", participant.propose, methods=["POST"], name="propose"),
        Route("/s/{code}/p/{proposal_id:int}", participant.proposal_page, name="proposal_page"),
        Route("/s/{code}/p/{proposal_id:int}/comments", participant.comment, methods=["POST"], name="comment"),
        Route("/s/{code}/p/{proposal_id:int}/support", participant.support, methods=["POST"], name="support"),
        Route("/geo/subdistricts", participant.subdistricts, name="subdistricts"),
        Route("/s/{code}/qr.svg", participant.qr_svg, name="qr"),
        Route("/s/{code}/screen", staff.projector, name="projector"),
        # staff
        Route("/staff/login", staff.login, methods=["GET", "POST"], name="login"),
        Route("/staff/logout", staff.logout, methods=["POST"], name="logout"),
        Route("/staff", staff.dashboard, methods=["GET", "POST"], name="dashboard"),
        Route("/staff/assemblies/{assembly_id:int}", staff.assembly_page, methods=["GET", "POST"],
              name="assembly_page"),
        Route("/staff/s/{code}", staff.console, name="console"),
        Route("/staff/s/{code}/{action}", staff.console_action, methods=["POST"], name="console_action"),
        # JSON API
        Route("/api/v1/openapi.json", openapi.openapi, name="openapi"),
        Route("/api/v1/auth/token", v1.token, methods=["POST"], name="api_token"),
        Route("/api/v1/sessions", v1.write(v1.create_session), methods=["POST"], name="api_sessions"),
        Route("/api/v1/sessions/{code}", v1.session_detail, name="api_session"),
        Route("/api/v1/sessions/{code}/phase", v1.write(v1.set_phase), methods=["POST"], name="api_phase"),
        Route("/api/v1/sessions/{code}/participants", v1.write(v1.join), methods=["POST"], name="api_join"),
        Route("/api/v1/sessions/{code}/proposals", v1.proposals, methods=["GET"], name="api_proposals"),
        Route("/api/v1/sessions/{code}/proposals", v1.write(v1.submit), methods=["POST"], name="api_submit"),
        Route("/api/v1/sessions/{code}/results", v1.results, name="api_results"),
        Route("/api/v1/proposals/{proposal_id}/comments", v1.write(v1.comment), methods=["POST"],
              name="api_comment"),
        Route("/api/v1/proposals/{proposal_id}/support", v1.write(v1.support), methods=["POST", "DELETE"],
              name="api_support"),
        Route("/api/v1/proposals/{proposal_id}/moderation", v1.write(v1.moderation), methods=["POST"],
              name="api_moderation"),
        # live
        WebSocketRoute("/ws/sessions/{code}", live.session_socket, name="ws_session"),
        Route("/s/{code}/live", live.live_poll, name="live_poll"),
        # files
        Mount("/static", StaticFiles(directory=ROOT / "static"), name="static"),
        Mount("/vendor/htmx", StaticFiles(directory=NODE / "htmx.org" / "dist", check_dir=False), name="htmx"),
        Mount("/vendor/sarabun", StaticFiles(directory=NODE / "@fontsource" / "sarabun" / "files",
                                             check_dir=False), name="sarabun"),
    ]
