#include "agent/redial.hpp"

#include <algorithm>

namespace herd::agent {

bool RedialPolicy::due(MonoTime now, bool refused, double draw) {
  if (!refused) {
    next_ = min_;
    since_.reset();
    return false;
  }
  if (!since_) {
    since_ = now;  // the first redial one interval after the refusal
    return false;
  }
  if (now - *since_ < next_) return false;
  since_ = now;
  const auto doubled = std::min(max_, next_ * 2);
  // Jitter: somewhere in [doubled/2, doubled), never below min.
  const auto jittered = std::chrono::milliseconds{
      static_cast<int64_t>(static_cast<double>(doubled.count()) * (0.5 + 0.5 * std::clamp(draw, 0.0, 0.999)))};
  next_ = std::max(min_, jittered);
  return true;
}

}  // namespace herd::agent
