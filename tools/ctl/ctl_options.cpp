#include "ctl_options.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

#include "ctl_error.hpp"
#include "usage.hpp"

namespace cmm::ctl {

namespace {

/// What a verb accepts besides the global options.
struct verb_syntax {
  const char* name;
  verb id;
  bool takes_model;
  std::vector<std::string_view> options;
};

const std::vector<verb_syntax>& verbs() {
  static const std::vector<verb_syntax> table{
      {"list", verb::list, false, {"loaded"}},
      {"info", verb::info, true, {}},
      {"load", verb::load, true, {"type"}},
      {"unload", verb::unload, true, {"force"}},
      {"unload-all", verb::unload_all, false, {"force"}},
      {"reset", verb::reset, true, {}},
      {"cleanup", verb::cleanup, false, {}},
      {"devices", verb::devices, false, {}},
      {"run", verb::run, true, {"input", "type", "fused"}},
      {"hold", verb::hold, true, {"for", "type"}},
      {"watch", verb::watch, false, {"interval", "count"}},
  };
  return table;
}

[[noreturn]] void usage_error(const std::string& what) {
  throw ctl_error(exit_code::usage, what + "; " + usage_line());
}

bool is_flag(std::string_view name) {
  return name == "json" || name == "force" || name == "help" ||
         name == "fused" || name == "loaded";
}

milliseconds duration_value(std::string_view name, const std::string& text) {
  auto parsed = parse_duration(text);
  if (!parsed)
    usage_error("--" + std::string{name} + ": not a duration: '" + text +
                "' (e.g. 500ms, 5s)");
  return *parsed;
}

uint64_t number_value(std::string_view name, const std::string& text,
                      uint64_t max) {
  char* end = nullptr;
  auto value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || text[0] == '-' || value > max)
    usage_error("--" + std::string{name} + ": not a number up to " +
                std::to_string(max) + ": '" + text + "'");
  return value;
}

warmup_spec input_value(const std::string& text) {
  auto spec = text.find('*') == std::string::npos ? parse_warmup_spec(text)
                                                  : std::nullopt;
  if (!spec)
    usage_error("--input: expected DTYPE:DIMS such as fp32:1x64, got '" + text +
                "'");
  return *spec;
}

/// Stores one option; `seen` collects the verb-specific ones for checking
/// once the verb is known.
void apply(ctl_options& out, std::string_view name, const std::string& value,
           std::vector<std::string>& seen) {
  if (name == "host")
    out.host = value;
  else if (name == "port")
    out.port = static_cast<uint16_t>(number_value(name, value, 65535));
  else if (name == "json")
    out.json = true;
  else if (name == "timeout")
    out.timeout = duration_value(name, value);
  else if (name == "help")
    out.help = true;
  else if (name == "force")
    out.force = true;
  else if (name == "loaded")
    out.loaded = true;
  else if (name == "fused")
    out.fused = true;
  else if (name == "input")
    out.input = input_value(value);
  else if (name == "type")
    out.type = value;
  else if (name == "for")
    out.hold_for = duration_value(name, value);
  else if (name == "interval")
    out.interval = duration_value(name, value);
  else if (name == "count")
    out.count = static_cast<uint32_t>(number_value(name, value, UINT32_MAX));
  else if (name == "cmm.tls.certificate")
    out.tls.certificate = value;
  else if (name == "cmm.tls.key")
    out.tls.key = value;
  else if (name == "cmm.tls.ca-file")
    out.tls.ca_file = value;
  else if (name == "cmm.tls.passphrase")
    out.tls.passphrase = value;
  else
    usage_error("unknown option --" + std::string{name});
  if (name != "host" && name != "port" && name != "json" && name != "timeout" &&
      name != "help" && name.compare(0, 8, "cmm.tls.") != 0)
    seen.emplace_back(name);
}

} // namespace

const char* to_string(verb x) {
  for (auto& syntax : verbs())
    if (syntax.id == x)
      return syntax.name;
  return "?";
}

bool looks_like_path(const std::string& model) {
  auto ends_with_pt =
      model.size() >= 3 && model.compare(model.size() - 3, 3, ".pt") == 0;
  return model.find('/') != std::string::npos || ends_with_pt;
}

ctl_options parse_ctl_options(const std::vector<std::string>& args) {
  ctl_options out;
  std::vector<std::string> positional;
  std::vector<std::string> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h") {
      out.help = true;
      continue;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      positional.push_back(arg);
      continue;
    }
    auto eq = arg.find('=');
    auto name = std::string_view{arg}.substr(
        2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::string value;
    if (eq != std::string::npos) {
      if (is_flag(name))
        usage_error("--" + std::string{name} + " takes no value");
      value = arg.substr(eq + 1);
    } else if (!is_flag(name)) {
      if (i + 1 == args.size())
        usage_error("--" + std::string{name} + " needs a value");
      value = args[++i];
    }
    apply(out, name, value, seen);
  }
  if (out.help)
    return out;
  if (positional.empty())
    usage_error("no verb given");
  auto syntax = std::find_if(verbs().begin(), verbs().end(),
                             [&](auto& x) { return x.name == positional[0]; });
  if (syntax == verbs().end())
    usage_error("unknown verb '" + positional[0] + "'");
  out.command = syntax->id;
  size_t wanted = syntax->takes_model ? 2 : 1;
  if (positional.size() < wanted)
    usage_error(positional[0] + " needs a MODEL (a catalog id)");
  if (positional.size() > wanted)
    usage_error("unexpected argument '" + positional[wanted] + "' after " +
                positional[0]);
  if (syntax->takes_model)
    out.model = positional[1];
  for (auto& name : seen)
    if (std::find(syntax->options.begin(), syntax->options.end(), name) ==
        syntax->options.end())
      usage_error(positional[0] + " takes no --" + name);
  if (out.command == verb::hold && out.hold_for.count() <= 0)
    usage_error("hold needs --for DURATION (e.g. --for 5s)");
  if (out.command == verb::watch && out.interval.count() <= 0)
    usage_error("--interval must be positive");
  if (out.port == 0)
    usage_error("--port is required (the operator endpoint cmm-node "
                "printed)");
  return out;
}

} // namespace cmm::ctl
