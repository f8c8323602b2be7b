#include "cmm/manager_metrics.hpp"

namespace cmm {

namespace {

constexpr std::array<entry_state, 7> all_states{
    entry_state::absent,  entry_state::sizing, entry_state::waiting,
    entry_state::loading, entry_state::ready,  entry_state::unloading,
    entry_state::failed,
};

int64_t clamp_to_gauge(uint64_t x) {
  return x > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX
                                              : static_cast<int64_t>(x);
}

} // namespace

void model_metrics::entered(entry_state x) noexcept {
  for (size_t i = 0; i < all_states.size(); ++i)
    state[i]->set(all_states[i] == x ? 1 : 0);
}

void device_metrics::publish(const device_budget& budget) noexcept {
  capacity->set(clamp_to_gauge(budget.capacity));
  used->set(clamp_to_gauge(budget.used));
  reserved->set(clamp_to_gauge(budget.reserved));
  releasing->set(clamp_to_gauge(budget.releasing));
}

manager_metrics::manager_metrics() {
  auto& r = registry_;
  using t = metric_type;
  std::vector<std::string> per_model{"model", "device"};
  r.declare("cmm_model_state", t::gauge,
            "1 for the state the model's entry is in, 0 for the others",
            {"model", "device", "state"});
  r.declare("cmm_model_references", t::gauge, "Leases the model's entry counts",
            per_model);
  r.declare("cmm_model_resident_bytes", t::gauge,
            "Bytes the loaded model holds on its device", per_model);
  r.declare("cmm_model_loads_total", t::counter, "Loads that succeeded",
            per_model);
  r.declare("cmm_model_load_failures_total", t::counter,
            "Loads that failed, by error code", {"model", "device", "code"});
  r.declare("cmm_model_load_duration_seconds", t::histogram,
            "Time from the start of a load to ready, warmup included",
            per_model);
  r.declare("cmm_model_inference_requests_total", t::counter,
            "Inference requests the model actor answered, by outcome",
            {"model", "device", "outcome"});
  r.declare("cmm_model_inference_duration_seconds", t::histogram,
            "Time the model actor spent on one inference request", per_model);
  r.declare("cmm_model_batches_total", t::counter,
            "Forwards the model actor ran for more than one request",
            per_model);
  r.declare("cmm_model_batched_requests_total", t::counter,
            "Inference requests served by a batched forward", per_model);
  r.declare("cmm_device_capacity_bytes", t::gauge,
            "Bytes the device's budget may hold", {"device"});
  r.declare("cmm_device_used_bytes", t::gauge,
            "Bytes that resident models measure on the device", {"device"});
  r.declare("cmm_device_reserved_bytes", t::gauge,
            "Bytes that loads in flight reserved by estimate", {"device"});
  r.declare("cmm_device_releasing_bytes", t::gauge,
            "Bytes of models whose unload is in flight (part of used)",
            {"device"});
  r.declare("cmm_evictions_total", t::counter,
            "Idle models unloaded to make room, by eviction policy",
            {"device", "policy"});
  r.declare("cmm_demotions_total", t::counter,
            "Idle models moved from the device to the cpu", {"device"});
  r.declare("cmm_promotions_total", t::counter,
            "Demoted models moved back to the device", {"device"});
  r.declare("cmm_acquire_wait_duration_seconds", t::histogram,
            "Time from an acquire's arrival to its grant");
  r.declare("cmm_acquires_refused_total", t::counter,
            "Acquires answered with an error, by error code", {"code"});
  r.declare("cmm_releases_refused_total", t::counter,
            "One-way releases refused (nobody waits for their answer), by "
            "error code",
            {"code"});
  r.declare("cmm_leases_outstanding", t::gauge,
            "Leases granted and not yet returned");
  r.declare("cmm_acquires_waiting", t::gauge,
            "Acquires and preloads waiting for their model");
  acquire_wait_ = &r.histogram("cmm_acquire_wait_duration_seconds");
  leases_ = &r.gauge("cmm_leases_outstanding");
  waiting_ = &r.gauge("cmm_acquires_waiting");
}

model_metrics& manager_metrics::model(const std::string& name,
                                      const std::string& device) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = models_[{name, device}];
  if (slot)
    return *slot;
  slot = std::make_unique<model_metrics>();
  auto& m = *slot;
  auto& r = registry_;
  m.name = name;
  m.device = device;
  for (size_t i = 0; i < all_states.size(); ++i)
    m.state[i] =
        &r.gauge("cmm_model_state", {name, device, to_string(all_states[i])});
  m.references = &r.gauge("cmm_model_references", {name, device});
  m.resident_bytes = &r.gauge("cmm_model_resident_bytes", {name, device});
  m.loads = &r.counter("cmm_model_loads_total", {name, device});
  m.load_duration =
      &r.histogram("cmm_model_load_duration_seconds", {name, device});
  m.inferences_ok = &r.counter("cmm_model_inference_requests_total",
                               {name, device, "success"});
  m.inferences_failed = &r.counter("cmm_model_inference_requests_total",
                                   {name, device, "failure"});
  m.inference_duration =
      &r.histogram("cmm_model_inference_duration_seconds", {name, device});
  m.batches = &r.counter("cmm_model_batches_total", {name, device});
  m.batched_requests =
      &r.counter("cmm_model_batched_requests_total", {name, device});
  m.entered(entry_state::absent);
  return m;
}

device_metrics& manager_metrics::device(const std::string& device) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = devices_[device];
  if (slot)
    return *slot;
  slot = std::make_unique<device_metrics>();
  auto& d = *slot;
  auto& r = registry_;
  d.capacity = &r.gauge("cmm_device_capacity_bytes", {device});
  d.used = &r.gauge("cmm_device_used_bytes", {device});
  d.reserved = &r.gauge("cmm_device_reserved_bytes", {device});
  d.releasing = &r.gauge("cmm_device_releasing_bytes", {device});
  d.demotions = &r.counter("cmm_demotions_total", {device});
  d.promotions = &r.counter("cmm_promotions_total", {device});
  return d;
}

void manager_metrics::load_failed(const model_metrics& model, errc code) {
  registry_
      .counter("cmm_model_load_failures_total",
               {model.name, model.device, to_string(code)})
      .add();
}

void manager_metrics::evicted(const std::string& device,
                              eviction_policy policy) {
  registry_.counter("cmm_evictions_total", {device, to_string(policy)}).add();
}

void manager_metrics::acquire_granted(duration waited) noexcept {
  acquire_wait_->observe(waited);
}

void manager_metrics::acquire_refused(errc code) {
  registry_.counter("cmm_acquires_refused_total", {to_string(code)}).add();
}

void manager_metrics::release_refused(errc code) {
  registry_.counter("cmm_releases_refused_total", {to_string(code)}).add();
}

} // namespace cmm
