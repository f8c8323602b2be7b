#include "cmm/model_actor.hpp"

#include <chrono>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cmm/error.hpp"
#include "cmm/log.hpp"

namespace cmm {

namespace {

auto& log() {
  static auto instance = logger("model");
  return instance;
}

} // namespace

model_actor_state::~model_actor_state() {
  if (model)
    log()->info("freed '{}' from {} at shutdown", entry_name,
                to_string(request.target));
}

model_actor::behavior_type
model_actor_impl(model_actor::stateful_pointer<model_actor_state> self,
                 backend_ptr model_backend, load_request request,
                 std::string entry_name) {
  self->state.model_backend = std::move(model_backend);
  self->state.request = std::move(request);
  self->state.entry_name = std::move(entry_name);
  return {
      [self](load_atom) -> caf::result<load_report> {
        auto& st = self->state;
        auto start = std::chrono::steady_clock::now();
        auto loaded = st.model_backend->load(st.request);
        auto took = std::chrono::steady_clock::now() - start;
        if (!loaded) {
          log()->error("failed to load '{}': {}", st.entry_name,
                       to_string(loaded.error()));
          return make_error(loaded.error());
        }
        st.model = std::move(*loaded);
        load_report report{st.model->bytes(), st.model->precision(),
                           std::chrono::duration_cast<caf::timespan>(took)};
        log()->info("loaded '{}' on {} as {} in {:.3f} s, {} bytes",
                    st.entry_name, to_string(st.request.target),
                    report.precision,
                    std::chrono::duration<double>(took).count(), report.bytes);
        return report;
      },
      [self](infer_atom, const std::vector<tensor>& inputs)
          -> caf::result<std::vector<tensor>> {
        auto& st = self->state;
        if (!st.model)
          return make_error(errc::model_unloaded,
                            "model '" + st.entry_name +
                                "' was unloaded: acquire it again");
        try {
          auto outputs = st.model->infer(inputs);
          if (!outputs)
            return make_error(outputs.error());
          return std::move(*outputs);
        } catch (const std::exception& ex) {
          return make_error(errc::inference_failed, ex.what());
        }
      },
      [self](free_atom) -> uint64_t {
        auto& st = self->state;
        uint64_t bytes = st.model ? st.model->bytes() : 0;
        st.model.reset();
        return bytes;
      },
  };
}

} // namespace cmm
