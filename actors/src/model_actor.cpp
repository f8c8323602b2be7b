#include "cmm/model_actor.hpp"

#include <atomic>
#include <chrono>

#include <malloc.h>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/device_budget.hpp"
#include "cmm/error.hpp"
#include "cmm/log.hpp"
#include "refuse_unexpected.hpp"

namespace cmm {

namespace {

auto& log() {
  static auto instance = logger("model");
  return instance;
}

caf::timespan since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<caf::timespan>(
      std::chrono::steady_clock::now() - start);
}

double seconds(caf::timespan x) {
  return std::chrono::duration<double>(x).count();
}

/// Runs the warmup input; a model that rejects it does not become ready.
std::optional<failure> warm_up(loaded_model& model, const warmup_spec& spec) {
  auto input = warmup_input(spec);
  for (uint32_t i = 0; i < spec.runs; ++i) {
    auto out = model.infer({input});
    if (!out)
      return failure{out.error().code,
                     "warmup input rejected: " + out.error().message};
  }
  return std::nullopt;
}

/// Loads in this process, and loads started so far: a load that saw no
/// other one start or run measured the process's growth for itself alone.
std::atomic<uint32_t> loads_running{0};
std::atomic<uint64_t> loads_started{0};

/// The resident-set growth over one CPU load, if nothing else loaded
/// meanwhile.
class rss_probe {
public:
  explicit rss_probe(const device& target)
      : cpu_(target.kind == device::kind_t::cpu),
        first_(loads_running.fetch_add(1) == 0),
        ticket_(loads_started.fetch_add(1) + 1),
        before_(cpu_ ? resident_set_bytes() : std::nullopt) {
    // nop
  }

  ~rss_probe() { loads_running.fetch_sub(1); }

  /// The growth since construction; 0 if another load interfered, the
  /// target is no CPU, or the kernel would not tell.
  uint64_t growth() const {
    if (!first_ || !before_ || loads_started.load() != ticket_)
      return 0;
    auto after = resident_set_bytes();
    return after && *after > *before_ ? *after - *before_ : 0;
  }

private:
  bool cpu_;
  bool first_;
  uint64_t ticket_;
  std::optional<uint64_t> before_;
};

/// The growth worth reporting: measured, and more than 20 % off `bytes`.
uint64_t notable_growth(uint64_t growth, uint64_t bytes) {
  if (growth == 0)
    return 0;
  auto diff = growth > bytes ? growth - bytes : bytes - growth;
  return diff * 5 > bytes ? growth : 0;
}

} // namespace

model_actor_state::~model_actor_state() {
  // CAF answers what still waits in the mailbox of an actor that stops, but
  // not the requests taken out of it to wait for a batch.
  for (auto& p : pending)
    p.answer.deliver(make_error(errc::model_unloaded,
                                "model '" + setup.entry_name +
                                    "' stopped before it ran this request; "
                                    "acquire it again"));
  if (model)
    log()->info("freed '{}' from {} at shutdown", setup.entry_name,
                to_string(setup.request.target));
}

std::optional<caf::error>
model_actor_state::check_supervisor(const caf::strong_actor_ptr& sender) const {
  if (sender && sender->address() == supervisor)
    return std::nullopt;
  log()->warn("refused a load, move or free of '{}' from an actor other than "
              "its supervisor",
              setup.entry_name);
  return make_error(errc::not_permitted,
                    "only the supervisor loads, moves or frees model '" +
                        setup.entry_name + "'");
}

std::string model_actor_state::note_fall_back(const failure& why,
                                              const char* stage) const {
  auto note = std::string{"the "} + to_string(setup.request.precision) +
              " cast failed its " + stage + " (" + why.message +
              "): loaded as saved";
  log()->warn("'{}': {}", setup.entry_name, note);
  return note;
}

result<std::unique_ptr<loaded_model>>
model_actor_state::load_as_saved(const failure& why, const char* stage) {
  cast_settled = true;
  auto cast_to = to_string(setup.request.precision);
  if (setup.on_cast_failure == cast_fallback::refuse)
    return failure{why.code, "the model was cast to " + std::string{cast_to} +
                                 " and failed its " + stage +
                                 " (cmm.cast-fallback=refuse keeps the "
                                 "cast): " +
                                 why.message};
  auto saved_request = setup.request;
  saved_request.keep_saved = true;
  auto saved = model_backend->load(saved_request);
  if (!saved)
    return failure{why.code, why.message +
                                 "; loading it as saved failed "
                                 "too: " +
                                 saved.error().message};
  return saved;
}

caf::result<load_report> model_actor_state::load() {
  auto start = std::chrono::steady_clock::now();
  rss_probe probe{setup.request.target};
  auto loaded = model_backend->load(setup.request);
  auto load_time = since(start);
  if (!loaded) {
    log()->error("failed to load '{}': {}", setup.entry_name,
                 to_string(loaded.error()));
    return make_error(loaded.error());
  }
  std::string cast_note;
  caf::timespan warmup_time{0};
  if (setup.warmup) {
    auto warm_start = std::chrono::steady_clock::now();
    auto err = warm_up(**loaded, *setup.warmup);
    if (err && (*loaded)->is_cast()) {
      auto saved = load_as_saved(*err, "warmup");
      if (!saved) {
        log()->error("failed to warm up '{}': {}", setup.entry_name,
                     to_string(saved.error()));
        return make_error(saved.error());
      }
      cast_note = note_fall_back(*err, "warmup");
      loaded->reset();
      malloc_trim(0);
      loaded = std::move(saved);
      err = warm_up(**loaded, *setup.warmup);
    }
    if (err) {
      log()->error("failed to warm up '{}': {}", setup.entry_name,
                   to_string(*err));
      return make_error(*err);
    }
    warmup_time = since(warm_start);
  }
  model = std::move(*loaded);
  cast_settled = !model->is_cast() || setup.warmup.has_value();
  load_report report{model->bytes(), model->precision(), load_time,
                     warmup_time,    cast_note,          0};
  report.rss_growth = notable_growth(probe.growth(), report.bytes);
  auto signature = model->signature();
  report.inputs = signature.inputs;
  report.outputs = signature.outputs;
  if (report.rss_growth > 0)
    log()->info("loading '{}' grew the process by {} bytes, the model "
                "counts {}",
                setup.entry_name, report.rss_growth, report.bytes);
  log()->info("loaded '{}' on {} as {} in {:.3f} s (warmup {:.3f} s), {} "
              "bytes",
              setup.entry_name, to_string(setup.request.target),
              report.precision, seconds(load_time), seconds(warmup_time),
              report.bytes);
  return report;
}

std::optional<failure>
model_actor_state::refusal(const std::vector<tensor>& inputs) const {
  if (!model)
    return failure{errc::model_unloaded, "model '" + setup.entry_name +
                                             "' was unloaded: acquire it "
                                             "again"};
  auto err = check_inputs(inputs, setup.limits);
  if (err)
    log()->info("refused an inference request for '{}': {}", setup.entry_name,
                err->message);
  return err;
}

caf::expected<std::vector<tensor>>
model_actor_state::forward(const std::vector<tensor>& inputs) {
  try {
    auto outputs = infer(inputs);
    if (!outputs)
      return make_error(outputs.error());
    return std::move(*outputs);
  } catch (const std::exception& ex) {
    return make_error(errc::inference_failed, ex.what());
  }
}

void model_actor_state::record(bool ok, duration took) {
  if (auto* series = setup.series) {
    series->inference_duration->observe(took);
    (ok ? series->inferences_ok : series->inferences_failed)->add();
  }
}

void model_actor_state::give_back(uint64_t lease_id, const lease_token& token) {
  if (lease_id == 0)
    return;
  if (auto sup = caf::actor_cast<supervisor_actor>(supervisor))
    self->send(sup, done_atom_v, lease_id, token);
}

caf::expected<std::vector<tensor>>
model_actor_state::run_alone(const std::vector<tensor>& inputs,
                             uint64_t lease_id, const lease_token& token) {
  auto start = std::chrono::steady_clock::now();
  auto out = forward(inputs);
  record(static_cast<bool>(out), std::chrono::steady_clock::now() - start);
  give_back(lease_id, token);
  return out;
}

caf::result<std::vector<tensor>>
model_actor_state::accept(std::vector<tensor> inputs, uint64_t lease_id,
                          const lease_token& token) {
  auto start = std::chrono::steady_clock::now();
  if (auto refused = refusal(inputs)) {
    record(false, std::chrono::steady_clock::now() - start);
    give_back(lease_id, token);
    return make_error(*refused);
  }
  auto rows = setup.batch.enabled() ? batch_rows(inputs) : std::nullopt;
  if (!rows) {
    auto out = run_alone(inputs, lease_id, token);
    if (!out)
      return std::move(out.error());
    return std::move(*out);
  }
  pending.push_back({self->make_response_promise<std::vector<tensor>>(),
                     std::move(inputs), *rows, self->clock().now(), lease_id,
                     token});
  // Behind everything already in the mailbox: what waits there joins.
  if (!flush_posted) {
    flush_posted = true;
    self->send(self, flush_atom_v);
  }
  return pending.back().answer;
}

void model_actor_state::run_due(bool all) {
  auto now = self->clock().now();
  if (now >= timer_due)
    timer_due = time_point::max();
  while (!pending.empty()) {
    std::vector<const std::vector<tensor>*> waiting;
    for (auto& p : pending)
      waiting.push_back(&p.inputs);
    auto picked = pick_batch(waiting, setup.batch.max_rows);
    int64_t rows = 0;
    for (auto i : picked)
      rows += pending[i].rows;
    if (!all && !batch_due(rows, setup.batch, pending.front().arrived, now)) {
      auto due = pending.front().arrived + setup.batch.delay;
      if (due < timer_due) {
        timer_due = due;
        self->delayed_send(self, due - now, flush_atom_v);
      }
      return;
    }
    std::vector<pending_inference> batch;
    for (auto i : picked)
      batch.push_back(std::move(pending[i]));
    for (auto i = picked.rbegin(); i != picked.rend(); ++i)
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(*i));
    if (batch.size() < 2 || !run_together(batch))
      run_one_by_one(batch);
  }
}

bool model_actor_state::run_together(std::vector<pending_inference>& batch) {
  auto start = std::chrono::steady_clock::now();
  std::vector<const std::vector<tensor>*> inputs;
  std::vector<int64_t> sizes;
  for (auto& p : batch) {
    inputs.push_back(&p.inputs);
    sizes.push_back(p.rows);
  }
  auto out = forward(concat_rows(inputs));
  if (!out) {
    log()->info("a batch of {} requests for '{}' failed ({}): running them "
                "one by one",
                batch.size(), setup.entry_name,
                self->system().render(out.error()));
    return false;
  }
  auto parts = split_rows(*out, sizes);
  if (!parts) {
    log()->warn("'{}': {}; running the batch request by request",
                setup.entry_name, parts.error().message);
    return false;
  }
  auto took = std::chrono::steady_clock::now() - start;
  if (auto* series = setup.series) {
    series->batches->add();
    series->batched_requests->add(batch.size());
  }
  for (size_t j = 0; j < batch.size(); ++j) {
    record(true, took);
    batch[j].answer.deliver(std::move((*parts)[j]));
    give_back(batch[j].lease_id, batch[j].token);
  }
  return true;
}

void model_actor_state::run_one_by_one(std::vector<pending_inference>& batch) {
  for (auto& p : batch) {
    auto out = run_alone(p.inputs, p.lease_id, p.token);
    if (out)
      p.answer.deliver(std::move(*out));
    else
      p.answer.deliver(std::move(out.error()));
  }
}

result<std::vector<tensor>>
model_actor_state::infer(const std::vector<tensor>& inputs) {
  auto outputs = model->infer(inputs);
  if (outputs || cast_settled) {
    cast_settled = cast_settled || static_cast<bool>(outputs);
    return outputs;
  }
  // The cast model's first inference failed: try the file as saved once.
  auto saved = load_as_saved(outputs.error(), "first inference");
  if (!saved)
    return saved.error();
  auto retried = (*saved)->infer(inputs);
  if (!retried)
    return outputs; // The request is at fault, not the cast.
  auto note = note_fall_back(outputs.error(), "first inference");
  model = std::move(*saved);
  malloc_trim(0);
  setup.request.keep_saved = true;
  if (auto sup = caf::actor_cast<supervisor_actor>(supervisor))
    self->send(
        sup, report_atom_v, setup.entry_name,
        load_report{model->bytes(), model->precision(), {}, {}, note, 0});
  return retried;
}

model_actor::behavior_type model_actor_impl(model_actor_pointer self,
                                            caf::actor_addr supervisor,
                                            backend_ptr model_backend,
                                            model_actor_setup setup) {
  self->set_default_handler(refuse_unexpected);
  auto& st = self->state;
  st.self = self;
  st.supervisor = std::move(supervisor);
  st.model_backend = std::move(model_backend);
  st.setup = std::move(setup);
  return {
      [self](load_atom) -> caf::result<load_report> {
        if (auto err = self->state.check_supervisor(self->current_sender()))
          return *err;
        return self->state.load();
      },
      [self](infer_atom,
             std::vector<tensor>& inputs) -> caf::result<std::vector<tensor>> {
        return self->state.accept(std::move(inputs), 0, lease_token{});
      },
      [self](run_atom, uint64_t lease_id, const lease_token& token,
             std::vector<tensor>& inputs) -> caf::result<std::vector<tensor>> {
        // Delegated by the supervisor: the sender is the run's caller. The
        // token is what makes the `done` count; a forged run costs its
        // sender an inference and returns nothing.
        return self->state.accept(std::move(inputs), lease_id, token);
      },
      [self](flush_atom) {
        auto& st = self->state;
        if (self->current_sender() != self->ctrl())
          return;
        st.flush_posted = false;
        st.run_due(false);
      },
      [self](move_atom, const std::string& target) -> caf::result<uint64_t> {
        auto& st = self->state;
        if (auto err = st.check_supervisor(self->current_sender()))
          return *err;
        auto dev = parse_device(target);
        if (!dev)
          return make_error(dev.error());
        if (!st.model)
          return make_error(errc::model_unloaded, "model '" +
                                                      st.setup.entry_name +
                                                      "' is not loaded");
        // Requests that came before the move run where they were sent.
        st.run_due(true);
        if (auto err = st.model->move_to(*dev))
          return make_error(*err);
        log()->info("moved '{}' from {} to {}", st.setup.entry_name,
                    to_string(st.setup.request.target), target);
        st.setup.request.target = *dev;
        return st.model->bytes();
      },
      [self](free_atom) -> caf::result<uint64_t> {
        auto& st = self->state;
        if (auto err = st.check_supervisor(self->current_sender()))
          return *err;
        st.run_due(true);
        uint64_t bytes = st.model ? st.model->bytes() : 0;
        st.model.reset();
        // Tensors below glibc's mmap threshold stay in malloc's arenas after
        // a free; hand them back so an unload really returns memory.
        malloc_trim(0);
        return bytes;
      },
  };
}

} // namespace cmm
