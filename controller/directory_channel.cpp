// The directory: admins change it on the query socket, agents fetch
// snapshots and acknowledge revisions on the agent channel, updates go out
// on the publish channel.

#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include "common/atomic_file.hpp"
#include "common/logging.hpp"
#include "controller/controller.hpp"
#include "protocol/topics.hpp"

namespace herd::controller {

void Controller::install_directory_handlers() {
  agent_dispatch_.on<protocol::DirectorySnapshotRequest>(
      [this](const protocol::Envelope& e, const protocol::DirectorySnapshotRequest& m, const AgentPeer& p) {
        on_snapshot_request(e, m, p);
      });
  agent_dispatch_.on<protocol::DirectoryAck>(
      [this](const protocol::Envelope& e, const protocol::DirectoryAck& m, const AgentPeer& p) {
        on_directory_ack(e, m, p);
      });
  query_dispatch_.on<protocol::DirectoryApply>(
      [this](const protocol::Envelope& e, const protocol::DirectoryApply& m, const QueryPeer& p) {
        on_directory_apply(e, m, p);
      });
  query_dispatch_.on<protocol::DirectoryDiff>(
      [this](const protocol::Envelope& e, const protocol::DirectoryDiff& m, const QueryPeer& p) {
        on_directory_diff(e, m, p);
      });
  query_dispatch_.on<protocol::DirectoryStatusQuery>(
      [this](const protocol::Envelope& e, const protocol::DirectoryStatusQuery& m, const QueryPeer& p) {
        on_directory_status(e, m, p);
      });
}

Status Controller::restore_directory() {
  auto current = store_->load_current_revision();
  if (!current) return std::move(current).error();
  auto infos = store_->load_revision_infos();
  if (!infos) return std::move(infos).error();
  auto results = store_->load_directory_results();
  if (!results) return std::move(results).error();
  directory_.restore(std::move(*current), std::move(*infos), std::move(*results));
  if (directory_.revision() > 0) spdlog::info("directory at revision {}", directory_.revision());
  return {};
}

bool Controller::admin_allowed(const QueryPeer& peer, std::string_view command) {
  if (peer.proxy_request) {
    forbidden(peer, fmt::format("{} is accepted only on the head node's query socket", command));
    return false;
  }
  if (!peer.caller.admin) {
    forbidden(peer, fmt::format("{} needs root or membership of the admin group \"{}\"", command, config_.admin_group));
    return false;
  }
  return true;
}

bool Controller::commit_revision(DirectoryState::Proposal& proposal) {
  RevisionRecord& revision = *proposal.revision;
  if (auto s = store_->store_revision(revision); !s) {
    ++stats_.directory_applies["store_failed"];
    spdlog::error("failed to store directory revision {}: {}", revision.info.revision, s.error().message);
    return false;
  }
  const auto& c = proposal.change;
  const std::string summary = fmt::format(
      "revision {} by {} from {}: users +{} ~{} -{}, groups +{} ~{} -{}{}", revision.info.revision,
      revision.info.author, revision.info.source, c.users_added.size(), c.users_changed.size(), c.users_removed.size(),
      c.groups_added.size(), c.groups_changed.size(), c.groups_removed.size(),
      c.settings_changed ? ", settings changed" : "");
  {
    const LogFields fields{{"HERD_REVISION", std::to_string(revision.info.revision)}};
    spdlog::info("directory {}", summary);
  }
  store_->append_event(clock_.wall(), "", "directory_revision", summary);
  ++stats_.directory_applies["committed"];
  directory_.commit(std::move(revision));
  const std::string frame = protocol::encode_frame(envelope(publish_seq_), *proposal.update);
  if (publisher_->send({protocol::kTopicAll, frame}) == bus::SendResult::sent) ++stats_.messages_out;
  return true;
}

void Controller::on_directory_apply(const protocol::Envelope&, const protocol::DirectoryApply& r,
                                   const QueryPeer& peer) {
  if (!admin_allowed(peer, "herd directory apply")) return;
  auto proposal = directory_.propose(r.file_name, r.text, user_label(peer.caller.uid), clock_.wall());
  if (!proposal.change.valid) {
    ++stats_.directory_applies["invalid"];
    spdlog::warn("directory apply by {} refused: {} problems in {}", user_label(peer.caller.uid),
                 proposal.change.errors.size(), r.file_name);
  } else if (!proposal.revision) {
    ++stats_.directory_applies["unchanged"];
  } else if (!commit_revision(proposal)) {
    reply_error(peer, "unavailable", "the new revision could not be stored; nothing was published");
    return;
  }
  reply(peer, proposal.change);
}

void Controller::on_directory_diff(const protocol::Envelope&, const protocol::DirectoryDiff& r, const QueryPeer& peer) {
  if (!admin_allowed(peer, "herd directory diff")) return;
  auto proposal = directory_.propose(r.file_name, r.text, user_label(peer.caller.uid), clock_.wall());
  proposal.change.revision.reset();  // nothing is stored
  reply(peer, proposal.change);
}

void Controller::on_directory_status(const protocol::Envelope&, const protocol::DirectoryStatusQuery&,
                                    const QueryPeer& peer) {
  std::vector<std::string> nodes;
  nodes.reserve(table_.nodes().size());
  for (const auto& [name, node] : table_.nodes()) nodes.push_back(name);
  reply(peer, directory_.status(nodes));
}

void Controller::on_snapshot_request(const protocol::Envelope&, const protocol::DirectorySnapshotRequest&,
                                     const AgentPeer& peer) {
  heard_from(peer.node);
  protocol::DirectorySnapshot snapshot;
  snapshot.revision = directory_.revision();
  if (const protocol::Directory* d = directory_.directory()) snapshot.directory = *d;
  send_to_agent(peer, snapshot);
}

void Controller::on_directory_ack(const protocol::Envelope&, const protocol::DirectoryAck& ack, const AgentPeer& peer) {
  heard_from(peer.node);
  const NodeDirectoryResult result = directory_.record_ack(peer.node, ack, clock_.wall());
  store_->save_directory_result(result);
  ++stats_.directory_results[ack.result.applied ? "applied" : "failed"];
  if (!ack.result.applied) {
    const std::string reason = ack.result.errors.empty() ? "no reason given" : ack.result.errors.front();
    const LogFields fields{{"HERD_NODE", peer.node}, {"HERD_REVISION", std::to_string(ack.revision)}};
    spdlog::warn("node {} refused directory revision {}: {}", peer.node, ack.revision, reason);
    store_->append_event(clock_.wall(), peer.node, "directory_failed",
                         fmt::format("revision {}: {}", ack.revision, reason));
  }
}

void Controller::watch_directory_file() {
  struct stat st {};
  if (::stat(config_.directory_file.c_str(), &st) != 0) {
    if (watched_.inode != 0 || watched_.mtime_ns == -1) {
      spdlog::warn("directory_file {}: {}", config_.directory_file, std::strerror(errno));
    }
    watched_ = {0, 0, 0};
    return;
  }
  const WatchedFile now{static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                        static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino)};
  if (now.mtime_ns == watched_.mtime_ns && now.size == watched_.size && now.inode == watched_.inode) return;
  watched_ = now;
  auto text = read_file(config_.directory_file, protocol::kMaxDirectoryText);
  if (!text) {
    spdlog::error("directory_file: {}", text.error().message);
    return;
  }
  auto proposal = directory_.propose(config_.directory_file, *text, "watch:" + config_.directory_file, clock_.wall());
  if (!proposal.change.valid) {
    ++stats_.directory_applies["invalid"];
    spdlog::error("directory_file {} refused; the current revision stays:", config_.directory_file);
    for (const auto& e : proposal.change.errors) spdlog::error("  {}", e);
    return;
  }
  if (proposal.revision) {
    commit_revision(proposal);
  } else {
    ++stats_.directory_applies["unchanged"];
  }
}

}  // namespace herd::controller
