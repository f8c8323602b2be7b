#include "demo_config.hpp"

#include <chrono>
#include <stdexcept>

#include <caf/config_option_adder.hpp>
#include <caf/settings.hpp>

namespace cmm::demo {

demo_config::demo_config() {
  demo_options defaults;
  caf::config_option_adder{custom_options_, "demo"}
      .add<std::string>("model-dir", "cache folder of the generated models")
      .add<double>("size-mb", "size of the base model in MB, e.g. 24.0")
      .add<size_t>("clients", "number of concurrent client actors")
      .add<size_t>("rounds", "acquire-infer-release rounds per client");
  // Defaults live in the content, so that `--dump-config` shows them and
  // the INI file and flags (parsed later) override them.
  set("demo.model-dir", defaults.model_dir);
  set("demo.size-mb", defaults.size_mb);
  set("demo.clients", defaults.clients);
  set("demo.rounds", defaults.rounds);
  set("cmm.idle-timeout", caf::timespan{std::chrono::seconds{2}});
  set("cmm.log-level", std::string{"off"});
}

demo_options read_demo_options(const caf::actor_system_config& cfg) {
  demo_options out;
  out.model_dir = caf::get_or(cfg, "demo.model-dir", out.model_dir);
  out.size_mb = caf::get_or(cfg, "demo.size-mb", out.size_mb);
  out.clients = caf::get_or(cfg, "demo.clients", out.clients);
  out.rounds = caf::get_or(cfg, "demo.rounds", out.rounds);
  if (out.model_dir.empty())
    throw std::invalid_argument("demo.model-dir is empty");
  if (!(out.size_mb > 0))
    throw std::invalid_argument("demo.size-mb must be positive");
  if (out.clients == 0 || out.rounds == 0)
    throw std::invalid_argument("demo.clients and demo.rounds must be >= 1");
  return out;
}

} // namespace cmm::demo
