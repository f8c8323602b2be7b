#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

namespace cmm {

/// How many reasons there are to watch each actor (it holds leases, it
/// waits as a caller, it is named as a holder), so that it is monitored
/// once and stops being monitored only when its last reason ends: CAF's
/// demonitor removes every monitor an observer has on an actor at once.
template <class Key> class watch_count {
public:
  /// One more reason to watch `key`; true when it is the first, and
  /// monitoring starts.
  bool add(const Key& key) { return ++counts_[key] == 1; }

  /// One reason to watch `key` ended; true when it was the last, and
  /// monitoring stops. A key not counted (its actor went down since) has
  /// no reason left to end.
  bool remove(const Key& key) {
    auto i = counts_.find(key);
    if (i == counts_.end())
      return false;
    if (--i->second > 0)
      return false;
    counts_.erase(i);
    return true;
  }

  /// `key`'s actor went down: every reason to watch it ended with it.
  void forget(const Key& key) { counts_.erase(key); }

  uint32_t count(const Key& key) const {
    auto i = counts_.find(key);
    return i == counts_.end() ? 0 : i->second;
  }

  size_t size() const { return counts_.size(); }

private:
  std::map<Key, uint32_t> counts_;
};

} // namespace cmm
