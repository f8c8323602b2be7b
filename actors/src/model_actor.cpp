#include "cmm/model_actor.hpp"

#include <chrono>

#include <malloc.h>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

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

} // namespace

model_actor_state::~model_actor_state() {
  if (model)
    log()->info("freed '{}' from {} at shutdown", entry_name,
                to_string(request.target));
}

std::optional<caf::error>
model_actor_state::check_supervisor(const caf::strong_actor_ptr& sender) const {
  if (sender && sender->address() == supervisor)
    return std::nullopt;
  log()->warn("refused a load, move or free of '{}' from an actor other than "
              "its supervisor",
              entry_name);
  return make_error(errc::not_permitted,
                    "only the supervisor loads, moves or frees model '" +
                        entry_name + "'");
}

caf::result<load_report> model_actor_state::load() {
  auto start = std::chrono::steady_clock::now();
  auto loaded = model_backend->load(request);
  auto load_time = since(start);
  if (!loaded) {
    log()->error("failed to load '{}': {}", entry_name,
                 to_string(loaded.error()));
    return make_error(loaded.error());
  }
  caf::timespan warmup_time{0};
  if (warmup) {
    auto warm_start = std::chrono::steady_clock::now();
    if (auto err = warm_up(**loaded, *warmup)) {
      log()->error("failed to warm up '{}': {}", entry_name, to_string(*err));
      return make_error(*err);
    }
    warmup_time = since(warm_start);
  }
  model = std::move(*loaded);
  load_report report{model->bytes(), model->precision(), load_time,
                     warmup_time};
  log()->info("loaded '{}' on {} as {} in {:.3f} s (warmup {:.3f} s), {} "
              "bytes",
              entry_name, to_string(request.target), report.precision,
              seconds(load_time), seconds(warmup_time), report.bytes);
  return report;
}

model_actor::behavior_type
model_actor_impl(model_actor::stateful_pointer<model_actor_state> self,
                 caf::actor_addr supervisor, backend_ptr model_backend,
                 load_request request, std::string entry_name,
                 std::optional<warmup_spec> warmup, request_limits limits) {
  self->set_default_handler(refuse_unexpected);
  auto& st = self->state;
  st.supervisor = std::move(supervisor);
  st.model_backend = std::move(model_backend);
  st.request = std::move(request);
  st.entry_name = std::move(entry_name);
  st.warmup = std::move(warmup);
  st.limits = limits;
  return {
      [self](load_atom) -> caf::result<load_report> {
        if (auto err = self->state.check_supervisor(self->current_sender()))
          return *err;
        return self->state.load();
      },
      [self](infer_atom, const std::vector<tensor>& inputs)
          -> caf::result<std::vector<tensor>> {
        auto& st = self->state;
        if (!st.model)
          return make_error(errc::model_unloaded,
                            "model '" + st.entry_name +
                                "' was unloaded: acquire it again");
        if (auto err = check_inputs(inputs, st.limits)) {
          log()->info("refused an inference request for '{}': {}",
                      st.entry_name, err->message);
          return make_error(*err);
        }
        try {
          auto outputs = st.model->infer(inputs);
          if (!outputs)
            return make_error(outputs.error());
          return std::move(*outputs);
        } catch (const std::exception& ex) {
          return make_error(errc::inference_failed, ex.what());
        }
      },
      [self](move_atom, const std::string& target) -> caf::result<uint64_t> {
        auto& st = self->state;
        if (auto err = st.check_supervisor(self->current_sender()))
          return *err;
        auto dev = parse_device(target);
        if (!dev)
          return make_error(dev.error());
        if (!st.model)
          return make_error(errc::model_unloaded,
                            "model '" + st.entry_name + "' is not loaded");
        if (auto err = st.model->move_to(*dev))
          return make_error(*err);
        log()->info("moved '{}' from {} to {}", st.entry_name,
                    to_string(st.request.target), target);
        st.request.target = *dev;
        return st.model->bytes();
      },
      [self](free_atom) -> caf::result<uint64_t> {
        auto& st = self->state;
        if (auto err = st.check_supervisor(self->current_sender()))
          return *err;
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
