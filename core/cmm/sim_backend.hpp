#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cmm/backend.hpp"

namespace cmm {

/// A backend that pretends to load models, for tests and benchmarks. A path
/// describes the model it simulates:
///
///   sim://NAME?bytes=N&load_ms=M&size_ms=S&infer_ms=K&fail=KIND&fail_times=T
///
/// `size_ms` makes each size estimate take S ms (a file on a slow mount).
/// Simulated files hold fp32: a load in another precision is a cast, and
/// with `cast_fails=1` such a cast model fails every inference (as a
/// libtorch kernel missing for that precision would).
/// `fail` is one of `not_found`, `corrupt`, `oom`, `other`; with
/// `fail_times` the first T loads fail and later ones succeed. With
/// `measured=N` the loaded model reports N bytes while estimates say
/// `bytes` (a file that estimates badly). Simulated
/// models echo their inputs (floating ones cast to the model precision) and
/// reject an empty input list as `bad_input` (with `reject_negative=1`
/// also any input holding a negative value). Accepts devices `cpu` and
/// `sim:N`. Thread-safe: model actors load concurrently. Create it with
/// `std::make_shared`: its models keep it alive.
class sim_backend : public backend,
                    public std::enable_shared_from_this<sim_backend> {
public:
  std::optional<failure> check(const load_request& req) const override;

  result<std::unique_ptr<loaded_model>> load(const load_request& req) override;

  /// The path's `bytes` parameter.
  uint64_t estimate_bytes(const load_request& req) const override;

  /// Load attempts for a path so far.
  uint32_t loads(const std::string& path) const;

  /// Size estimates asked for a path so far (a real backend reads the file
  /// for each).
  uint32_t estimates(const std::string& path) const;

  /// Load attempts for every path so far.
  uint32_t total_loads() const;

  /// Simulated models currently alive.
  uint32_t resident() const;

  /// Bytes of simulated models currently alive.
  uint64_t resident_bytes() const;

  /// Bytes of simulated models currently alive on one device.
  uint64_t resident_bytes_on(const device& dev) const;

  /// Makes the backend report `devices` as visible accelerators, as the
  /// TorchScript backend reports GPUs. None by default.
  void set_visible_devices(std::vector<device> devices);

  std::vector<device> visible_devices() const override;

private:
  friend class sim_model;

  /// Accounts a model appearing (`from` null), moving, or going (`to` null).
  void on_model_moved(uint64_t bytes, const device* from, const device* to);

  mutable std::mutex mtx_;
  std::vector<device> visible_;
  std::map<std::string, uint32_t> loads_;
  mutable std::map<std::string, uint32_t> estimates_;
  uint32_t total_loads_ = 0;
  uint32_t resident_ = 0;
  uint64_t resident_bytes_ = 0;
  std::map<std::string, uint64_t> bytes_on_;
};

} // namespace cmm
