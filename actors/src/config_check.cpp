// Strict configuration: CAF 0.17 keeps keys it does not know and values of
// the wrong type in its settings without a word (the program then runs on
// defaults), and renders its own parse errors without the file's name.

#include <algorithm>
#include <fstream>

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>
#include <caf/pec.hpp>
#include <caf/sec.hpp>
#include <caf/settings.hpp>

#include "cmm/config.hpp"

namespace cmm {

namespace {

std::string str(caf::string_view x) {
  return {x.data(), x.size()};
}

/// Edits to turn `a` into `b` (Levenshtein distance).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The options of `category` whose names are close to `key`, as a hint.
std::string suggestion(const caf::config_option_set& options,
                       const std::string& category, const std::string& key) {
  std::string best;
  size_t best_distance = 3;
  for (auto& opt : options) {
    if (str(opt.category()) != category)
      continue;
    auto name = str(opt.long_name());
    auto d = edit_distance(key, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best.empty() ? std::string{}
                      : " (did you mean " + category + "." + best + "?)";
}

bool is_category(const caf::config_option_set& options,
                 const std::string& name) {
  return std::any_of(options.begin(), options.end(),
                     [&](auto& opt) { return str(opt.category()) == name; });
}

class settings_checker {
public:
  settings_checker(const caf::config_option_set& options, std::string file)
      : options_(options), file_(std::move(file)) {
    // nop
  }

  std::optional<failure> check(const std::string& category,
                               const caf::settings& group) const {
    for (auto& [key, value] : group) {
      auto name = category + "." + key;
      if (auto nested = caf::get_if<caf::settings>(&value)) {
        if (auto err = check_group(name, *nested))
          return err;
        continue;
      }
      auto opt = options_.qualified_name_lookup(category, key);
      if (opt == nullptr)
        return fail(name, "unknown key" + suggestion(options_, category, key));
      if (auto err = opt->check(value))
        return fail(name, "expected " + str(opt->type_name()) + ", got " +
                              caf::to_string(value));
    }
    return std::nullopt;
  }

private:
  std::optional<failure> check_group(const std::string& name,
                                     const caf::settings& group) const {
    // The catalog's keys are model ids of the user's choosing.
    if (name == "cmm.models") {
      for (auto& [id, value] : group)
        if (!caf::holds_alternative<std::string>(value))
          return fail(name + "." + id,
                      "expected a string \"PATH,TYPE[,...]\", got " +
                          caf::to_string(value));
      return std::nullopt;
    }
    if (!is_category(options_, name))
      return fail(name, "unknown section");
    return check(name, group);
  }

  failure fail(const std::string& key, const std::string& what) const {
    return {errc::invalid_spec, file_ + ": " + key + ": " + what};
  }

  const caf::config_option_set& options_;
  std::string file_;
};

} // namespace

std::optional<failure>
manager_system_config::check_settings(const std::vector<std::string>& sections,
                                      const std::string& file) const {
  // CAF drops an INI value of the wrong type for a declared option before
  // it reaches `content` (the program then runs on the default): read the
  // file again without options to see what it really says. Flags are
  // type-checked by CAF itself.
  caf::settings written;
  if (!file.empty() && std::ifstream{file}) {
    auto parsed = parse_config_file(file.c_str());
    if (!parsed)
      return failure{errc::invalid_spec,
                     describe_parse_error(parsed.error(), file)};
    written = std::move(*parsed);
  }
  settings_checker checker{custom_options_, file};
  for (auto& section : sections) {
    auto i = written.find(section);
    if (i == written.end())
      continue;
    auto group = caf::get_if<caf::settings>(&i->second);
    if (group == nullptr)
      return failure{errc::invalid_spec,
                     file + ": " + section + ": expected a section"};
    if (auto err = checker.check(section, *group))
      return err;
  }
  return std::nullopt;
}

std::string describe_parse_error(const caf::error& err,
                                 const std::string& file) {
  if (err.category() == caf::atom("parser")) {
    auto what = caf::to_string(static_cast<caf::pec>(err.code()));
    std::replace(what.begin(), what.end(), '_', ' ');
    auto& context = err.context();
    if (context.size() == 1 && context.match_element<caf::settings>(0)) {
      auto& where = context.get_as<caf::settings>(0);
      auto line = caf::get_or(where, "line", int64_t{0});
      auto column = caf::get_or(where, "column", int64_t{0});
      return file + ":" + std::to_string(line) + ":" + std::to_string(column) +
             ": syntax error: " + what;
    }
    return file + ": " + what + " (" + caf::to_string(context) + ")";
  }
  if (err == caf::sec::cannot_open_file)
    return "cannot open the config file '" + file + "'";
  return file + ": " + caf::to_string(err);
}

} // namespace cmm
