"""RPC from outside nameko (scripts, tests, benchmarks)."""

from contextlib import contextmanager

from nameko.standalone.rpc import ClusterRpcProxy


@contextmanager
def rpc_cluster(amqp_uri: str, timeout: float = 10, correlation_id: str | None = None):
    context = {"correlation_id": correlation_id} if correlation_id else None
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data=context, timeout=timeout) as cluster:
        yield cluster
