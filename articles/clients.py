"""The address a request came from, as rate limits, report counting and the login lockout see it.

Behind a front server the connection's own address (`REMOTE_ADDR`) is the front
server's, or empty on a unix socket, so the client's address has to come from a header
the front server sets. Which header may be believed is configuration, never a guess: a
client can send any header it likes.

- `DJANGO_CLIENT_IP_HEADER` (e.g. `X-Real-IP`): a header the front server always
  overwrites with the client's address. Only for a site reachable solely through it.
- `DJANGO_TRUSTED_PROXIES` (addresses or networks): the servers in front of the site.
  When the connection comes from one of them (or from a unix socket), `X-Forwarded-For`
  is read from the right, skipping trusted hops; the first untrusted hop is the client.
- Neither: `REMOTE_ADDR`, which is right when nothing stands in front of the site.

IPv6 clients are keyed by their /64 network: one home or phone gets a whole /64, and
keying by the full address would give each of them endless fresh rate-limit buckets.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)

UNKNOWN = "0.0.0.0"  # noqa: S104 - the key of requests whose address cannot be known, not a bind address

_warned_unknown = False


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:4711"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "196.200.1.7:4711"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address, proxies) -> bool:
    return any(address in network for network in _networks(tuple(proxies)))


def _key(address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def client_address(request) -> str:
    """The client's address (IPv6 as its /64 network address), or "0.0.0.0" when it cannot be known.

    Never raises: a malformed header counts as absent.
    """
    meta = request.META
    header = settings.CLIENT_IP_HEADER
    if header:
        value = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
        address = _parse(value.split(",")[-1]) if value else None
        if address is not None:
            return _key(address)
    remote = _parse(meta.get("REMOTE_ADDR", "") or "")
    proxies = settings.TRUSTED_PROXIES
    if proxies and (remote is None or _trusted(remote, proxies)):
        hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break  # a hop nobody trusted wrote this: what stands left of it is the client's word
            if not _trusted(address, proxies):
                return _key(address)
        else:
            if hops:  # every hop is one of ours: the leftmost is as near the client as we can see
                address = _parse(hops[0])
                if address is not None:
                    return _key(address)
    if remote is not None:
        return _key(remote)
    _warn_unknown()
    return UNKNOWN


def _warn_unknown() -> None:
    global _warned_unknown
    if not _warned_unknown:
        _warned_unknown = True
        logger.warning(
            "A request came with no client address (a unix socket?): set DJANGO_CLIENT_IP_HEADER or "
            "DJANGO_TRUSTED_PROXIES, or every reader shares one rate limit."
        )
