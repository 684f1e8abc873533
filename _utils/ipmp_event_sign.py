"""
Signed IPMP events: a minion signs each event it sends with its own Salt key,
and the alert runner checks the signature with the public key the master
accepted for that minion.

Why: what a minion sends as beacon-shaped events (``preload`` on
``event.fire_master``, or a beacon's list of events) reaches the master bus
as the minion wrote it, ``id`` included: Salt does not say which minion sent
it.  A signature made with ``<pki_dir>/minion.pem`` can only come from the
minion that holds that key, so an alert for minion A needs A's key whatever
the event claims.  The signature covers the full tag and every field of the
event but those Salt itself adds (``id``, ``_stamp``); ``sent`` (the
minion's clock) bounds how long a captured event stays valid.
"""

import base64
import json
import os
import time

import salt.crypt

__virtualname__ = "ipmp_event_sign"

#: Keys Salt adds to an event after the minion has built it.
UNSIGNED_KEYS = ("sig", "id", "_stamp")
#: The event's ``sig_alg`` -> Salt's name of the algorithm.  Salt releases
#: before the ``algorithm`` argument (early 3006) sign with SHA-1 only.
ALGORITHMS = {
    "sha224": getattr(salt.crypt, "PKCS1v15_SHA224", None),
    "sha1": getattr(salt.crypt, "PKCS1v15_SHA1", None),
}
#: Seconds an event's ``sent`` may differ from the master's clock.
MAX_SKEW = 600


def __virtual__():
    """Needs only Salt's own crypto helpers: always loadable."""
    return __virtualname__


def payload(tag, event):
    """The bytes a signature covers: the tag and the event, keys sorted."""
    body = dict(
        (k, v) for k, v in event.items() if isinstance(k, str) and k not in UNSIGNED_KEYS
    )
    return json.dumps(
        {"tag": tag, "event": body}, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


#: path -> ((mtime, size), Salt's PrivateKey): loading a key costs ~35 ms,
#: an engine signs up to 100 events per request.
_KEYS = {}


def _private_key(path):
    """This minion's private key, loaded once (again when the file changes)."""
    st = os.stat(path)
    stamp = (st.st_mtime, st.st_size)
    cached = _KEYS.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    cls = salt.crypt.PrivateKey
    # Salt 3007+: PrivateKey.from_file(path); 3006: PrivateKey(path).
    key = cls.from_file(path) if hasattr(cls, "from_file") else cls(path)
    _KEYS[path] = (stamp, key)
    return key


def sign(opts, tag, event, clock=time.time):
    """``event`` with ``sent`` and ``sig`` added, signed with this minion's
    key (``<pki_dir>/minion.pem``); unchanged when the key cannot be read."""
    out = dict(event)
    out["sent"] = round(clock(), 3)
    out.pop("sig", None)
    if not opts.get("pki_dir"):
        return event
    path = os.path.join(opts["pki_dir"], "minion.pem")
    for name in ("sha224", "sha1"):
        out["sig_alg"] = name
        try:
            key = _private_key(path)
            if ALGORITHMS[name] is None:
                signature = key.sign(payload(tag, out))
            else:
                signature = key.sign(payload(tag, out), ALGORITHMS[name])
        except TypeError:
            continue  # a Salt without the algorithm argument: SHA-1
        except Exception:  # pylint: disable=broad-except
            return event
        out["sig"] = base64.b64encode(signature).decode("ascii")
        return out
    return event


def check(opts, minion, tag, event, clock=time.time):
    """Why ``event`` (as the runner got it) is not signed by ``minion``, or
    None when its signature verifies with the key the master accepted for
    that minion (``<pki_dir>/minions/<minion>``) and it is fresh."""
    sig = event.get("sig")
    if not isinstance(sig, str) or not sig:
        return "the event is not signed (salt-ipmp engines and beacons sign every event)"
    sent = event.get("sent")
    if isinstance(sent, bool) or not isinstance(sent, (int, float)):
        return "the event has no send time"
    if abs(clock() - sent) > MAX_SKEW:
        return "the event was sent {:.0f}s from now (at most {}s)".format(clock() - sent, MAX_SKEW)
    algorithm = ALGORITHMS.get(event.get("sig_alg"))
    if algorithm is None:
        return "unknown signature algorithm {!r}".format(event.get("sig_alg"))
    path = os.path.join(opts["pki_dir"], "minions", minion)
    if not os.path.isfile(path):
        return "no accepted key for {}".format(minion)
    try:
        raw = base64.b64decode(sig.encode("ascii"), validate=True)
        good = salt.crypt.verify_signature(path, payload(tag, event), raw, algorithm=algorithm)
    except Exception as exc:  # pylint: disable=broad-except
        return "the signature cannot be checked: {}".format(str(exc)[:200])
    if not good:
        return "the signature is not {}'s".format(minion)
    return None
