"""Fixtures of the lab's own tests (tests/conftest.py makes the hosts)."""
import pytest


@pytest.fixture
def etc_inet():
    """Name addresses on a lab host: ``etc_inet(host, hosts="...", netmasks="...")``
    appends the lines to its etc/inet/hosts and etc/inet/netmasks; returns host."""

    def append(host, hosts="", netmasks=""):
        for name, text in (("hosts", hosts), ("netmasks", netmasks)):
            if text:
                with open(str(host.path("etc/inet/" + name)), "a") as handle:
                    handle.write(text)
        return host

    return append
