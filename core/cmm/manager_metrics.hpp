#pragma once

// The metrics of one model manager, recorded where their events happen: the
// supervisor (states, references, loads, budgets, acquires, evictions) and
// the model actors (inference). Every family is declared up front, so that
// a scrape shows each with its HELP and TYPE even before its first event.
// The README's "HTTP, metrics and the v2 protocol" lists them.

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cmm/clock.hpp"
#include "cmm/device_budget.hpp"
#include "cmm/entry_state.hpp"
#include "cmm/errc.hpp"
#include "cmm/eviction_policy.hpp"
#include "cmm/metric_registry.hpp"

namespace cmm {

/// The series of one model (labels `model`, `device`), found once.
struct model_metrics {
  /// One gauge per entry state, 1 for the state the entry is in.
  std::array<metric_gauge*, 7> state{};
  metric_gauge* references = nullptr;
  metric_gauge* resident_bytes = nullptr;
  metric_counter* loads = nullptr;
  metric_histogram* load_duration = nullptr;
  metric_counter* inferences_ok = nullptr;
  metric_counter* inferences_failed = nullptr;
  metric_histogram* inference_duration = nullptr;
  /// Forwards run for more than one request, and the requests they served.
  metric_counter* batches = nullptr;
  metric_counter* batched_requests = nullptr;
  std::string name;
  std::string device;

  /// The entry is now in `x`.
  void entered(entry_state x) noexcept;
};

/// The series of one device (label `device`).
struct device_metrics {
  metric_gauge* capacity = nullptr;
  metric_gauge* used = nullptr;
  metric_gauge* reserved = nullptr;
  metric_gauge* releasing = nullptr;
  metric_counter* demotions = nullptr;
  metric_counter* promotions = nullptr;

  void publish(const device_budget& budget) noexcept;
};

class manager_metrics {
public:
  manager_metrics();

  manager_metrics(const manager_metrics&) = delete;
  manager_metrics& operator=(const manager_metrics&) = delete;

  /// The series of the model `name` configured for `device`; the same
  /// object for the same pair, valid as long as this.
  model_metrics& model(const std::string& name, const std::string& device);

  device_metrics& device(const std::string& device);

  void load_failed(const model_metrics& model, errc code);

  void evicted(const std::string& device, eviction_policy policy);

  /// An acquire was granted `waited` after it arrived.
  void acquire_granted(duration waited) noexcept;

  void acquire_refused(errc code);

  /// A one-way release (`give_back`) was refused.
  void release_refused(errc code);

  metric_gauge& leases_outstanding() noexcept { return *leases_; }

  metric_gauge& acquires_waiting() noexcept { return *waiting_; }

  /// The Prometheus text exposition of every family.
  std::string render() const { return registry_.render(); }

  metric_registry& registry() noexcept { return registry_; }

private:
  metric_registry registry_;
  metric_histogram* acquire_wait_ = nullptr;
  metric_gauge* leases_ = nullptr;
  metric_gauge* waiting_ = nullptr;
  std::mutex mtx_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<model_metrics>>
      models_;
  std::map<std::string, std::unique_ptr<device_metrics>> devices_;
};

using manager_metrics_ptr = std::shared_ptr<manager_metrics>;

} // namespace cmm
