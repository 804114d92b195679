#include "collectors/links.hpp"

#include <fnmatch.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <algorithm>
#include <memory>
#include <span>

#include "collectors/netlink_parse.hpp"

namespace herd::collectors {
namespace {

constexpr std::size_t kMaxMessages = 100'000;  // a dump larger than this is not a node we know how to report

int keep_message(nl_msg* message, void* arg) {
  auto* out = static_cast<std::vector<std::vector<uint8_t>>*>(arg);
  if (out->size() >= kMaxMessages) return NL_STOP;
  const nlmsghdr* header = nlmsg_hdr(message);
  const auto* bytes = reinterpret_cast<const uint8_t*>(header);
  out->emplace_back(bytes, bytes + header->nlmsg_len);
  return NL_OK;
}

}  // namespace

Result<std::vector<std::vector<uint8_t>>> rtnetlink_dump(int request_type) {
  std::unique_ptr<nl_sock, void (*)(nl_sock*)> socket(nl_socket_alloc(), &nl_socket_free);
  if (!socket) return fail("cannot allocate a netlink socket");
  if (int rc = nl_connect(socket.get(), NETLINK_ROUTE); rc < 0) {
    return fail("cannot open a NETLINK_ROUTE socket: {}", nl_geterror(rc));
  }
  std::vector<std::vector<uint8_t>> messages;
  nl_socket_modify_cb(socket.get(), NL_CB_VALID, NL_CB_CUSTOM, &keep_message, &messages);
  // The family header of the request: ifinfomsg for links, ifaddrmsg (a prefix of it) for addresses.
  ifinfomsg request{};
  request.ifi_family = AF_UNSPEC;
  if (int rc = nl_send_simple(socket.get(), request_type, NLM_F_DUMP, &request, sizeof request); rc < 0) {
    return fail("cannot send the rtnetlink dump request: {}", nl_geterror(rc));
  }
  if (int rc = nl_recvmsgs_default(socket.get()); rc < 0) {
    return fail("rtnetlink dump failed: {}", nl_geterror(rc));
  }
  return messages;
}

bool LinksCollector::wanted(const std::string& link) const {
  return patterns_.empty() || std::any_of(patterns_.begin(), patterns_.end(), [&](const std::string& p) {
           return ::fnmatch(p.c_str(), link.c_str(), 0) == 0;
         });
}

void LinksCollector::collect(protocol::NodeReport& report) {
  auto links = rtnetlink_dump(RTM_GETLINK);
  if (!links) {
    add_error(report, name(), "RTM_GETLINK", links.error());
    return;
  }
  std::vector<protocol::Link>& out = report.health.links;
  for (const auto& message : *links) {
    auto parsed = parse_link_message(message);
    if (!parsed) {
      add_error(report, name(), "RTM_NEWLINK", parsed.error());
      continue;
    }
    if (!wanted(parsed->link.name)) continue;
    for (const std::string& problem : parsed->problems) add_error(report, name(), parsed->link.name, Error{problem});
    out.push_back(std::move(parsed->link));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.index < b.index; });

  auto addresses = rtnetlink_dump(RTM_GETADDR);
  if (!addresses) {
    add_error(report, name(), "RTM_GETADDR", addresses.error());
    return;
  }
  for (const auto& message : *addresses) {
    auto parsed = parse_address_message(message);
    if (!parsed) {
      add_error(report, name(), "RTM_NEWADDR", parsed.error());
      continue;
    }
    auto link = std::find_if(out.begin(), out.end(), [&](const auto& l) { return l.index == parsed->index; });
    if (link != out.end() && link->addresses.size() < 256) link->addresses.push_back(std::move(parsed->address));
  }
}

}  // namespace herd::collectors
