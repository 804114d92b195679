#include "controller/directory_state.hpp"

#include "directory/delta.hpp"
#include "directory/loader.hpp"

namespace herd::controller {

void DirectoryState::restore(std::optional<RevisionRecord> current, std::vector<protocol::RevisionInfo> infos,
                             std::vector<NodeDirectoryResult> results) {
  current_ = std::move(current);
  for (auto& info : infos) infos_[info.revision] = std::move(info);
  for (auto& r : results) results_[r.node] = std::move(r);
}

DirectoryState::Proposal DirectoryState::propose(const std::string& file_name, std::string_view text,
                                                 const std::string& author, WallTime now) const {
  Proposal p;
  p.change.base_revision = revision();
  directory::LoadedDirectory loaded = directory::load_directory_text(text, file_name);
  p.change.errors = directory::directory_file_problems(loaded);
  p.change.valid = p.change.errors.empty();
  if (!p.change.valid) return p;

  directory::canonicalize(loaded.directory);
  const protocol::Directory empty;
  directory::DirectoryDelta delta = directory::compute_delta(current_ ? current_->model : empty, loaded.directory);
  delta.change.valid = true;
  delta.change.base_revision = p.change.base_revision;
  p.change = std::move(delta.change);
  // Identical to the current revision: nothing to store or publish.
  if (current_ && delta.empty()) return p;

  const uint64_t next = revision() + 1;
  RevisionRecord record;
  record.info.revision = next;
  record.info.created_ms = to_unix_ms(now);
  record.info.author = author;
  record.info.source = file_name;
  record.info.users = static_cast<uint32_t>(loaded.directory.users.size());
  record.info.groups = static_cast<uint32_t>(loaded.directory.groups.size());
  record.text = std::string(text);
  record.model = std::move(loaded.directory);
  p.change.revision = next;
  delta.update.revision = next;
  delta.update.base_revision = revision();
  // From nothing, agents fetch the whole directory rather than a delta of it.
  if (!current_) delta.update.snapshot_required = true;
  p.update = std::move(delta.update);
  p.revision = std::move(record);
  return p;
}

void DirectoryState::commit(RevisionRecord revision) {
  infos_[revision.info.revision] = revision.info;
  current_ = std::move(revision);
}

NodeDirectoryResult DirectoryState::record_ack(const std::string& node, const protocol::DirectoryAck& ack, WallTime now) {
  NodeDirectoryResult& r = results_[node];
  r.node = node;
  r.result_revision = ack.revision;
  r.result_ms = to_unix_ms(now);
  r.result = ack.result;
  if (ack.result.applied) r.applied_revision = ack.revision;
  return r;
}

const NodeDirectoryResult* DirectoryState::result_of(const std::string& node) const {
  const auto it = results_.find(node);
  return it == results_.end() ? nullptr : &it->second;
}

protocol::DirectoryStatusReply DirectoryState::status(const std::vector<std::string>& nodes) const {
  protocol::DirectoryStatusReply reply;
  reply.current_revision = revision();
  std::map<uint64_t, uint32_t> at;
  for (const std::string& node : nodes) {
    protocol::NodeConvergence c;
    c.node = node;
    if (const NodeDirectoryResult* r = result_of(node)) {
      c.applied_revision = r->applied_revision;
      c.result_revision = r->result_revision;
      c.result_ms = r->result_ms;
      c.result = r->result;
      if (!r->result.applied) {
        c.state = protocol::ConvergenceState::failed;
      } else if (r->applied_revision == revision()) {
        c.state = protocol::ConvergenceState::current;
      } else {
        c.state = protocol::ConvergenceState::behind;
      }
      if (r->applied_revision) ++at[*r->applied_revision];
    } else {
      c.state = revision() == 0 ? protocol::ConvergenceState::current : protocol::ConvergenceState::unknown;
    }
    reply.nodes.push_back(std::move(c));
  }
  // The current revision and every one a node is still at, newest first.
  for (auto it = infos_.rbegin(); it != infos_.rend(); ++it) {
    if (it->first != revision() && !at.contains(it->first)) continue;
    protocol::RevisionInfo info = it->second;
    info.nodes = at.contains(it->first) ? at[it->first] : 0;
    reply.revisions.push_back(std::move(info));
  }
  return reply;
}

}  // namespace herd::controller
