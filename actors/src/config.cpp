#include "cmm/config.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/settings.hpp>

#include "cmm/actor_types.hpp"
#include "cmm/byte_size.hpp"
#include "cmm/device.hpp"
#include "cmm/error.hpp"
#include "cmm/model_root.hpp"
#include "cmm/model_spec.hpp"

namespace cmm {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::cmm>();
  cfg.add_error_category(error_category(), render_error);
}

void declare_options(caf::config_option_set& opts) {
  caf::config_option_adder{opts, "cmm"}
      .add<std::string>("default-device",
                        "device for models that name none (cpu, cuda:N)")
      .add<caf::timespan>("idle-timeout",
                          "unload a model unused for this long (e.g. 300s)")
      .add<std::string>("dtype",
                        "default model precision: auto (as saved on cpu, "
                        "accelerator-dtype elsewhere), saved, bf16, fp16, fp32")
      .add<std::string>("accelerator-dtype",
                        "what auto casts to off the cpu: bf16, fp16, fp32")
      .add<std::string>("cast-fallback",
                        "a cast model that fails: as-saved (reload it so) or "
                        "refuse")
      .add<std::vector<std::string>>("allowed-types",
                                     "model types acquire accepts")
      .add<int>("intra-op-threads", "libtorch intra-op threads (0: default)")
      .add<std::string>("log-level",
                        "trace, debug, info, warn (default), error, off")
      .add<std::vector<std::string>>(
          "budgets", "memory budgets, e.g. [\"cuda:0=6GB\", \"cpu=16GiB\"]")
      .add<double>("cpu-budget-fraction",
                   "default cpu budget as a fraction of physical memory")
      .add<std::string>("cuda-reserve",
                        "kept free on each GPU by default budgets, e.g. 512MiB")
      .add<std::string>("eviction-policy", "lru (default) or cost-aware")
      .add<caf::timespan>("admission-timeout",
                          "how long an acquire waits for room (e.g. 30s)")
      .add<caf::timespan>("load-timeout",
                          "how long a load may take (default 10min)")
      .add<caf::timespan>("size-timeout",
                          "how long reading a model's files to size them may "
                          "take (default 30s)")
      .add<std::string>("model-root",
                        "catalog paths resolve inside this folder")
      .add<std::string>("max-request-bytes",
                        "input bytes one inference request may carry "
                        "(default 256MiB)");
}

namespace {

std::optional<failure> read_memory_options(const caf::actor_system_config& cfg,
                                           manager_config& out) {
  if (auto budgets =
          caf::get_if<std::vector<std::string>>(&cfg, "cmm.budgets")) {
    for (auto& text : *budgets) {
      auto eq = text.find('=');
      auto dev = parse_device(text.substr(0, eq));
      auto size = eq == std::string::npos
                      ? std::nullopt
                      : parse_byte_size(std::string_view{text}.substr(eq + 1));
      if (!dev || !size)
        return failure{errc::invalid_spec,
                       "cmm.budgets: expected DEVICE=SIZE (e.g. cuda:0=6GB), "
                       "got '" +
                           text + "'"};
      out.budgets[to_string(*dev)] = *size;
    }
  }
  out.cpu_budget_fraction =
      caf::get_or(cfg, "cmm.cpu-budget-fraction", out.cpu_budget_fraction);
  if (!(out.cpu_budget_fraction > 0 && out.cpu_budget_fraction <= 1))
    return failure{errc::invalid_spec,
                   "cmm.cpu-budget-fraction must be in (0, 1]"};
  if (auto reserve = caf::get_if<std::string>(&cfg, "cmm.cuda-reserve")) {
    auto size = parse_byte_size(*reserve);
    if (!size)
      return failure{errc::invalid_spec,
                     "cmm.cuda-reserve: not a size: '" + *reserve + "'"};
    out.cuda_reserve_bytes = *size;
  }
  if (auto policy = caf::get_if<std::string>(&cfg, "cmm.eviction-policy")) {
    auto parsed = parse_eviction_policy(*policy);
    if (!parsed)
      return failure{errc::invalid_spec,
                     "cmm.eviction-policy: use lru or cost-aware, not '" +
                         *policy + "'"};
    out.policy = *parsed;
  }
  if (auto limit = caf::get_if<std::string>(&cfg, "cmm.max-request-bytes")) {
    auto size = parse_byte_size(*limit);
    if (!size || *size == 0)
      return failure{errc::invalid_spec,
                     "cmm.max-request-bytes: not a positive size: '" + *limit +
                         "'"};
    out.limits.max_request_bytes = *size;
  }
  auto wait = caf::get_or(cfg, "cmm.admission-timeout",
                          caf::timespan{out.admission_timeout});
  if (wait.count() <= 0)
    return failure{errc::invalid_spec,
                   "cmm.admission-timeout must be positive"};
  out.admission_timeout = wait;
  auto load =
      caf::get_or(cfg, "cmm.load-timeout", caf::timespan{out.load_timeout});
  if (load.count() <= 0)
    return failure{errc::invalid_spec, "cmm.load-timeout must be positive"};
  out.load_timeout = load;
  auto sizing =
      caf::get_or(cfg, "cmm.size-timeout", caf::timespan{out.size_timeout});
  if (sizing.count() <= 0)
    return failure{errc::invalid_spec, "cmm.size-timeout must be positive"};
  out.size_timeout = sizing;
  return std::nullopt;
}

/// The preferred path of an entry and those of its fallbacks.
std::vector<std::string*> paths_of(catalog_entry& entry) {
  std::vector<std::string*> result{&entry.path};
  for (auto& variant : entry.fallbacks)
    result.push_back(&variant.path);
  return result;
}

} // namespace

result<manager_config>
read_manager_config(const caf::actor_system_config& cfg) {
  manager_config out;
  out.default_device =
      caf::get_or(cfg, "cmm.default-device", out.default_device);
  if (auto dev = parse_device(out.default_device); !dev)
    return failure{errc::invalid_device,
                   "cmm.default-device: " + dev.error().message};
  auto timeout =
      caf::get_or(cfg, "cmm.idle-timeout", caf::timespan{out.idle_timeout});
  if (timeout.count() <= 0)
    return failure{errc::invalid_spec, "cmm.idle-timeout must be positive"};
  out.idle_timeout = timeout;
  out.dtype = caf::get_or(cfg, "cmm.dtype", out.dtype);
  if (out.dtype != "auto" && out.dtype != "saved" &&
      !parse_model_dtype(out.dtype))
    return failure{errc::invalid_dtype,
                   "cmm.dtype: unknown precision '" + out.dtype +
                       "', use auto, saved, bf16, fp16 or fp32"};
  out.accelerator_dtype =
      caf::get_or(cfg, "cmm.accelerator-dtype", out.accelerator_dtype);
  if (!parse_model_dtype(out.accelerator_dtype))
    return failure{errc::invalid_dtype,
                   "cmm.accelerator-dtype: unknown precision '" +
                       out.accelerator_dtype + "', use bf16, fp16 or fp32"};
  auto fallback =
      caf::get_or(cfg, "cmm.cast-fallback", std::string{"as-saved"});
  if (fallback == "refuse")
    out.on_cast_failure = cast_fallback::refuse;
  else if (fallback != "as-saved")
    return failure{errc::invalid_spec, "cmm.cast-fallback: '" + fallback +
                                           "', use as-saved or refuse"};
  if (auto types =
          caf::get_if<std::vector<std::string>>(&cfg, "cmm.allowed-types"))
    out.allowed_types = *types;
  if (out.allowed_types.empty())
    return failure{errc::invalid_spec, "cmm.allowed-types is empty"};
  out.intra_op_threads = caf::get_or(cfg, "cmm.intra-op-threads", 0);
  out.log_level = caf::get_or(cfg, "cmm.log-level", std::string{});
  if (auto models = caf::get_if<caf::settings>(&cfg, "cmm.models")) {
    for (auto& [id, value] : *models) {
      auto text = caf::get_if<std::string>(&value);
      catalog_entry entry;
      if (!text || !parse_catalog_entry(id, *text, entry))
        return failure{
            errc::invalid_spec,
            "cmm.models." + id +
                ": expected \"PATH,TYPE[,DEVICE[,DTYPE[,OPTION...]]]\" "
                "with options pin, demote, warmup=DTYPE:DIMS*RUNS, "
                "fallback=LABEL:PATH, load-timeout=DURATION"};
      if (auto err = check_type(entry.type, out.allowed_types))
        return failure{err->code, "cmm.models." + id + ": " + err->message};
      out.models.emplace(id, std::move(entry));
    }
  }
  if (auto root = caf::get_if<std::string>(&cfg, "cmm.model-root")) {
    for (auto& [id, entry] : out.models) {
      for (auto* path : paths_of(entry)) {
        auto resolved = resolve_in_root(*root, *path);
        if (!resolved)
          return failure{resolved.error().code,
                         "cmm.models." + id + ": " + resolved.error().message};
        *path = *resolved;
      }
    }
  }
  if (auto err = read_memory_options(cfg, out))
    return *err;
  // Every entry must resolve (device and dtype well-formed) now, not fail
  // each acquire later.
  for (auto& [id, entry] : out.models)
    if (auto resolved = resolve(model_spec::by_id(id), out); !resolved)
      return failure{resolved.error().code,
                     "cmm.models." + id + ": " + resolved.error().message};
  return out;
}

manager_system_config::manager_system_config() {
  register_types(*this);
  declare_options(custom_options_);
  set("scheduler.policy", caf::atom("sharing"));
}

} // namespace cmm
