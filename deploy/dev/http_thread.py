"""An HTTP server on a daemon thread: what the development tools share."""

import threading
from http.server import ThreadingHTTPServer


def serve_in_thread(host, port, handler, name, **attributes):
    """Start serving; ``attributes`` are set on the server, where the handler finds its owner
    (``self.server.<name>``). Port 0 picks a free port: read it from the server."""
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    for key, value in attributes.items():
        setattr(server, key, value)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True)
    thread.start()
    return server, thread


def stop_serving(server, thread):
    if server is not None:
        server.shutdown()
        server.server_close()
    if thread is not None:
        thread.join(timeout=5)
