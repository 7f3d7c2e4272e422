"""Flask's request proxy (werkzeug's LocalProxy) is read only where that runs no program code: its attributes go
through the proxy's __getattr__, so they are refused with a reason that says what to read instead."""

from flask import Flask, request

from sonde_agent.probes.evaluate import compile_expression
from sonde_agent.probes.values import render


def test_the_request_proxy_is_refused_with_what_to_read_instead_and_the_request_itself_is_read_from_its_fields():
    app = Flask("proxy")
    with app.test_request_context("/aa?x=1"):
        through_proxy = render(compile_expression("request.args")({"request": request}, {}))
        assert through_proxy == "<args is not a field of LocalProxy, and finding it would run LocalProxy.__getattr__; read the object it stands for instead>"
        real = request._get_current_object()  # what a view's own variable would hold
        assert render(compile_expression("req.path")({"req": real}, {})) == "/aa"
        assert render(compile_expression("req")({"req": real}, {})).startswith("Request { method: 'GET', scheme: 'http', server: [ 'localhost', 80 ], root_path: '', path: '/aa', query_string: b'x=1', ")
