"""TLS for ``h2wire proxy``: the contexts of its two sides, and what a failed
handshake or a peer without HTTP/2 is called in the log.

RFC 9113 §3.2: HTTP/2 over TLS is negotiated with ALPN ``h2``, over TLS 1.2
or newer (§9.2).  Both contexts offer ``h2`` only; a peer that does not select
it is refused by the proxy (:func:`alpn_refusal`), one line in the log.

* The listener presents a certificate and key (PEM files).
* The upstream connection verifies the server's certificate and name against
  the system's trust store, or a CA file; or, ``insecure``, not at all.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
from typing import Final

#: The ALPN protocol ID of HTTP/2 over TLS (RFC 9113 §3.2).
ALPN_H2: Final = "h2"
#: Seconds a TLS handshake may take, each side (by default).
HANDSHAKE_TIMEOUT: Final = 10.0

_SSL_SOURCE: Final = re.compile(r" \(_ssl\.c:\d+\)$")


def listener_context(cert: str, key: str) -> ssl.SSLContext:
    """The context the proxy's listener speaks TLS with."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except OSError as error:
        raise OSError(f"the TLS certificate {cert} and key {key}: {_why(error)}") from None
    context.set_alpn_protocols([ALPN_H2])
    return context


def upstream_context(ca_file: str | None, insecure: bool) -> ssl.SSLContext:
    """The context the proxy connects upstream with."""
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except OSError as error:
        raise OSError(f"the CA file {ca_file}: {_why(error)}") from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols([ALPN_H2])
    return context


def _why(error: OSError) -> str:
    """Why a certificate, key or CA file could not be loaded, in the same words
    on every interpreter (PyPy's ssl says "Error" where CPython names the errno)."""
    if isinstance(error, ssl.SSLError):
        return _SSL_SOURCE.sub("", str(error))
    return os.strerror(error.errno) if error.errno else str(error)


def alpn_refusal(writer: asyncio.StreamWriter) -> str:
    """Why the TLS connection of ``writer`` cannot carry HTTP/2 ("" if it can)."""
    ssl_object = writer.get_extra_info("ssl_object")
    protocol = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
    if protocol == ALPN_H2:
        return ""
    return f"did not negotiate h2 with ALPN (selected: {protocol or 'none'})"


def is_handshake_failure(error: OSError) -> bool:
    """Whether ``error``, from opening a TLS connection, is the handshake's
    (else the connection itself failed: refused, unreachable)."""
    return isinstance(error, (ssl.SSLError, ConnectionAbortedError, ConnectionResetError))


def handshake_failure(error: BaseException, timeout: float) -> str:
    """A failed TLS handshake, in a few words (``timeout``: the one it had)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    # asyncio aborts a handshake that outlasts its timeout: ConnectionAbortedError.
    if isinstance(error, ConnectionAbortedError):
        return f"no handshake within {timeout:g} s"
    if isinstance(error, ssl.SSLError):
        return _SSL_SOURCE.sub("", str(error))
    if isinstance(error, ConnectionError):
        return f"the peer closed the connection ({type(error).__name__})"
    return str(error) or type(error).__name__


__all__ = [
    "ALPN_H2",
    "HANDSHAKE_TIMEOUT",
    "alpn_refusal",
    "handshake_failure",
    "is_handshake_failure",
    "listener_context",
    "upstream_context",
]
