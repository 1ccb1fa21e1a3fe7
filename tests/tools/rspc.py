#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""rspc: a GDB remote-protocol client for tests, byte-exact where gdb is not.

Usage: rspc.py ADDR STEP...   (ADDR: HOST:PORT or unix:PATH)

A STEP is one of:
  PACKET         send $PACKET#cs (checksum computed), then print what comes
                 back up to and including the next packet
  send:PACKET    send $PACKET#cs and do not wait
  raw:BYTES      send BYTES as given (Python escapes: \\x03, \\x00); then
                 the next step that waits prints what they caused
  badsum:PACKET  send $PACKET#xx with a wrong checksum
  wait           print what comes back up to and including the next packet
  noack          from now on send no '+' for packets received (after
                 QStartNoAckMode)
  drain          print what arrives within half a second (acks, nothing else)

Every item received is printed on its own line: '+', '-', '$DATA' for a
packet with a good checksum (non-printable bytes as \\xHH), 'BADSUM DATA'
for one with a bad checksum, 'EOF' when the stub closes the connection,
'TIMEOUT' when nothing complete came within 30 s.  Packets received are
acknowledged with '+' like gdb does, until 'noack'.  Exits 0 unless the
connection could not be made.

Its times are multiplied by LPAR_TEST_SLOW (a whole number, default 1), as
the bats helpers' are (tests/test_helper/common.bash).
"""
import os
import re
import socket
import sys
import time

SLOW = os.environ.get("LPAR_TEST_SLOW") or "1"
if not re.fullmatch(r"[1-9][0-9]{0,2}", SLOW):
    sys.exit("rspc: LPAR_TEST_SLOW must be a whole number from 1 to 999, not '%s'" % SLOW)
TIMEOUT = 30.0 * int(SLOW)
DRAIN = 0.5 * int(SLOW)


def checksum(data: bytes) -> bytes:
    return b"%02x" % (sum(data) & 0xFF)


def frame(data: bytes) -> bytes:
    return b"$" + data + b"#" + checksum(data)


def shown(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 and b != 0x5C else "\\x%02x" % b for b in data)


class Client:
    def __init__(self, addr: str):
        if addr.startswith("unix:"):
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.connect(addr[5:])
        else:
            host, _, port = addr.rpartition(":")
            self.s = socket.create_connection((host or "127.0.0.1", int(port)))
        self.buf = b""
        self.ack = True
        self.eof = False

    def send(self, data: bytes):
        self.s.sendall(data)

    def _fill(self, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0 or self.eof:
            return False
        self.s.settimeout(left)
        try:
            chunk = self.s.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def items(self, deadline: float, until_packet: bool):
        """Yields the items received; stops after a packet if until_packet."""
        while True:
            while self.buf:
                c = self.buf[:1]
                if c in (b"+", b"-"):
                    self.buf = self.buf[1:]
                    yield c.decode()
                    continue
                if c != b"$":
                    self.buf = self.buf[1:]
                    yield "NOISE " + shown(c)
                    continue
                end = self.buf.find(b"#")
                if end < 0 or len(self.buf) < end + 3:
                    break
                data, cs = self.buf[1:end], self.buf[end + 1:end + 3]
                self.buf = self.buf[end + 3:]
                good = cs == checksum(data)
                if self.ack:
                    self.send(b"+")
                yield ("$" if good else "BADSUM ") + shown(data)
                if until_packet:
                    return
            if not self._fill(deadline):
                if self.eof and not self.buf:
                    yield "EOF"
                elif until_packet:
                    yield "TIMEOUT"
                return


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        c = Client(argv[1])
    except OSError as e:
        print("rspc: cannot connect to %s: %s" % (argv[1], e), file=sys.stderr)
        return 1

    def show(until_packet, timeout=TIMEOUT):
        for item in c.items(time.monotonic() + timeout, until_packet):
            print(item, flush=True)

    for step in argv[2:]:
        try:
            if step == "wait":
                show(True)
            elif step == "drain":
                show(False, DRAIN)
            elif step == "noack":
                c.ack = False
            elif step.startswith("send:"):
                c.send(frame(step[5:].encode()))
            elif step.startswith("raw:"):
                c.send(step[4:].encode().decode("unicode_escape").encode("latin-1"))
            elif step.startswith("badsum:"):
                data = step[7:].encode()
                bad = b"%02x" % ((sum(data) + 1) & 0xFF)
                c.send(b"$" + data + b"#" + bad)
            else:
                c.send(frame(step.encode()))
                show(True)
        except (BrokenPipeError, ConnectionResetError):
            print("EOF", flush=True)
            break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
