#include "controller/enrolment.hpp"

#include <algorithm>
#include <set>

namespace herd::controller {

std::string_view key_status_text(KeyStatus s) {
  switch (s) {
    case KeyStatus::pending: return "pending";
    case KeyStatus::rejected: return "rejected";
    case KeyStatus::revoked: return "revoked";
  }
  return "pending";
}

std::optional<KeyStatus> parse_key_status(std::string_view text) {
  for (KeyStatus s : {KeyStatus::pending, KeyStatus::rejected, KeyStatus::revoked}) {
    if (key_status_text(s) == text) return s;
  }
  return std::nullopt;
}

std::string key_fingerprint(const std::string& public_key) { return public_key.substr(0, 16); }

void Enrolment::restore(std::vector<KeyRecord> records) {
  records_.clear();
  claims_.clear();
  for (KeyRecord& r : records) {
    std::string key = r.public_key;
    records_.emplace(std::move(key), std::move(r));
  }
}

void Enrolment::touch(const std::string& key) { changed_.push_back(key); }

std::size_t Enrolment::unnamed_pending() const {
  return static_cast<std::size_t>(std::count_if(records_.begin(), records_.end(), [](const auto& kv) {
    return kv.second.status == KeyStatus::pending && kv.second.name.empty();
  }));
}

Admission Enrolment::admit_unknown(const std::string& key, const std::string& address, MonoTime mono,
                                   WallTime wall) {
  auto it = records_.find(key);
  if (it == records_.end()) {
    if (mode_ == EnrolmentMode::off) return {Admission::refuse, "key not enrolled", true, false};
    if (std::count_if(records_.begin(), records_.end(),
                      [](const auto& kv) { return kv.second.status == KeyStatus::pending; }) >=
            static_cast<std::ptrdiff_t>(kMaxPending) ||
        unnamed_pending() >= kMaxUnnamedPending) {
      return {Admission::refuse, "key not enrolled, and too many keys are pending already", true, false};
    }
    KeyRecord r;
    r.public_key = key;
    r.status = KeyStatus::pending;
    r.address = address;
    r.first_seen = r.last_seen = wall;
    r.attempts = 1;
    records_.emplace(key, std::move(r));
    claims_[key].admitted_at = mono;
    touch(key);
    return {Admission::claim, "", true, true};
  }
  KeyRecord& r = it->second;
  ++r.attempts;
  r.last_seen = wall;
  r.address = address;
  touch(key);
  switch (r.status) {
    case KeyStatus::rejected:
      return {Admission::refuse, "key was rejected by " + r.decided_by, false, false};
    case KeyStatus::revoked:
      return {Admission::refuse, "key of node " + r.name + " was revoked by " + r.decided_by, false, false};
    case KeyStatus::pending: break;
  }
  if (!r.name.empty()) {
    return {Admission::refuse, "key pending, waiting for `herd keys accept " + r.name + "`", false, false};
  }
  if (mode_ == EnrolmentMode::off) return {Admission::refuse, "key not enrolled", false, false};
  ClaimState& c = claims_[key];
  if (c.admitted_at) {
    if (mono - *c.admitted_at < kClaimWindow) {
      return {Admission::refuse, "key pending, its claim connection is still open", false, false};
    }
    ++c.silent;  // the previous claim connection never said who it is
    c.admitted_at.reset();
  }
  if (c.silent >= kMaxSilentClaims) {
    return {Admission::refuse, "key pending, but its connections never said which node they are", false, false};
  }
  c.admitted_at = mono;
  return {Admission::claim, "", false, false};
}

bool Enrolment::awaiting_claim(const std::string& key) const {
  const auto it = claims_.find(key);
  return it != claims_.end() && it->second.admitted_at.has_value();
}

void Enrolment::claim_failed(const std::string& key) {
  auto it = claims_.find(key);
  if (it == claims_.end() || !it->second.admitted_at) return;
  ++it->second.silent;
  it->second.admitted_at.reset();
}

Enrolment::ClaimResult Enrolment::claim(const std::string& key, const std::string& name, const std::string& address,
                                        const std::optional<std::string>& key_of_name, WallTime wall) {
  ClaimResult result;
  auto it = records_.find(key);
  if (it == records_.end() || it->second.status != KeyStatus::pending) return result;
  KeyRecord& r = it->second;
  claims_.erase(key);
  if (!r.name.empty() && r.name != name) {
    result.renamed = true;
    result.previous_name = r.name;
  }
  r.name = name;
  r.address = address;
  r.last_seen = wall;
  result.conflict = key_of_name.has_value() && *key_of_name != key;
  touch(key);
  return result;
}

Decision<KeyRecord> Enrolment::find_pending(const std::string& name, const std::string& key_prefix) const {
  std::vector<const KeyRecord*> found;
  for (const auto& [key, r] : records_) {
    if (r.status == KeyStatus::pending && r.name == name && key.starts_with(key_prefix)) found.push_back(&r);
  }
  if (found.empty()) {
    const std::string with = key_prefix.empty() ? "" : " with key " + key_prefix;
    return {std::nullopt, {"not_found", "no key is pending for node \"" + name + "\"" + with}};
  }
  if (found.size() > 1) {
    std::string fingerprints;
    for (const KeyRecord* r : found) fingerprints += (fingerprints.empty() ? "" : ", ") + key_fingerprint(r->public_key);
    return {std::nullopt,
            {"conflict", fmt::format("{} pending keys claim node \"{}\" ({}): choose one with --key FINGERPRINT",
                                     found.size(), name, fingerprints)}};
  }
  return {*found.front(), {}};
}

Decision<KeyRecord> Enrolment::prepare_accept(const std::string& name, const std::string& key_prefix,
                                              const std::optional<std::string>& key_of_name) const {
  auto pending = find_pending(name, key_prefix);
  if (!pending.ok()) return pending;
  if (key_of_name && *key_of_name != pending.value->public_key) {
    return {std::nullopt,
            {"conflict", fmt::format("node \"{}\" is enrolled with another key ({}); accepting would replace it: "
                                     "revoke it first with `herd keys revoke {}`",
                                     name, key_fingerprint(*key_of_name), name)}};
  }
  return pending;
}

void Enrolment::accepted(const std::string& key) {
  if (records_.erase(key) > 0) removed_.push_back(key);
  claims_.erase(key);
}

Decision<KeyRecord> Enrolment::reject(const std::string& name, const std::string& key_prefix, const std::string& who,
                                      WallTime wall) {
  auto pending = find_pending(name, key_prefix);
  if (!pending.ok()) return pending;
  KeyRecord& r = records_.at(pending.value->public_key);
  r.status = KeyStatus::rejected;
  r.decided_at = wall;
  r.decided_by = who;
  claims_.erase(r.public_key);
  touch(r.public_key);
  return {r, {}};
}

KeyRecord Enrolment::revoke(const std::string& name, const std::string& key, const std::string& who, WallTime wall) {
  KeyRecord& r = records_[key];
  if (r.public_key.empty()) {
    r.public_key = key;
    r.first_seen = r.last_seen = wall;
  }
  r.status = KeyStatus::revoked;
  r.name = name;
  r.decided_at = wall;
  r.decided_by = who;
  claims_.erase(key);
  touch(key);
  return r;
}

const KeyRecord* Enrolment::find(const std::string& key) const {
  const auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

Enrolment::Changes Enrolment::take_changes() {
  Changes changes;
  std::set<std::string> keys(changed_.begin(), changed_.end());
  keys.insert(removed_.begin(), removed_.end());
  for (const std::string& key : keys) {
    if (const KeyRecord* r = find(key)) {
      changes.saved.push_back(*r);
    } else {
      changes.removed.push_back(key);
    }
  }
  changed_.clear();
  removed_.clear();
  return changes;
}

}  // namespace herd::controller
