#pragma once
// Closing one peer's TCP connection on a ROUTER or XPUB socket.
//
// libzmq has no call to drop one peer of a ROUTER or PUB socket (zmq_disconnect
// only undoes our own connects). What it does give is the file descriptor of
// the connection a message came from (ZMQ_SRCFD: on the ROUTER every message
// carries it, on an XPUB every subscription does). shutdown(2) on that
// descriptor makes libzmq's I/O thread see end-of-file, close the connection
// and forget the peer the ordinary way, as if the peer had hung up; libzmq
// still owns and closes the descriptor itself. The peer then reconnects and
// goes through the ZAP handler again, which refuses it.
//
// The descriptor belongs to libzmq: once the connection is gone its number may
// be reused for another connection. So the connection is identified by the
// descriptor *and* the peer's address and port, remembered when it was learnt,
// and shutdown() is called only if the descriptor still has that peer (a TCP
// connection's address pair is unique while it lives).

#include <optional>
#include <string>

namespace herd::bus {

// "ADDRESS:PORT" of the TCP peer on `fd`; nothing if `fd` is not a connected
// TCP socket.
[[nodiscard]] std::optional<std::string> tcp_peer_of(int fd);

// Shuts down `fd` in both directions if its peer is still `peer` (from
// tcp_peer_of); returns whether it did.
bool close_tcp_connection(int fd, const std::string& peer);

}  // namespace herd::bus
