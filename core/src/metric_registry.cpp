#include "cmm/metric_registry.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <stdexcept>

namespace cmm {

namespace {

const char* type_name(metric_type x) {
  switch (x) {
  case metric_type::counter:
    return "counter";
  case metric_type::gauge:
    return "gauge";
  case metric_type::histogram:
    return "histogram";
  }
  return "untyped";
}

/// The shortest text that reads back as `x` (Prometheus parses Go floats);
/// `fixed` for bucket bounds, which read better without exponents.
std::string number_text(double x, bool fixed = false) {
  char buf[64];
  auto [end, ec] =
      fixed ? std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::fixed)
            : std::to_chars(buf, buf + sizeof(buf), x);
  return ec == std::errc{} ? std::string{buf, end} : std::string{"NaN"};
}

/// `{a="1",b="2"}`, with `extra` appended; empty for no labels at all.
std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values,
                       const std::string& extra = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  if (!extra.empty())
    out += (out.empty() ? "{" : ",") + extra;
  return out.empty() ? out : out + "}";
}

/// `x` with backslashes and newlines escaped, and double quotes too when
/// `quotes` (label values; HELP text keeps its quotes).
std::string escaped(const std::string& x, bool quotes) {
  std::string out;
  for (char c : x) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

} // namespace

void metric_histogram::observe(duration d) noexcept {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  if (ns < 0)
    ns = 0;
  auto seconds = static_cast<double>(ns) / 1e9;
  auto i = static_cast<size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

std::array<uint64_t, metric_histogram::bounds.size() + 1>
metric_histogram::counts() const noexcept {
  std::array<uint64_t, bounds.size() + 1> out{};
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

double metric_histogram::sum_seconds() const noexcept {
  return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

void metric_registry::declare(const std::string& name, metric_type type,
                              std::string help,
                              std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> guard{mtx_};
  families_.emplace(name,
                    family{type, std::move(help), std::move(label_names), {}});
}

metric_registry::series&
metric_registry::find(const std::string& name, metric_type type,
                      const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = families_.find(name);
  if (i == families_.end() || i->second.type != type ||
      i->second.label_names.size() != values.size())
    throw std::logic_error("metric " + name + " used as declared it is not");
  auto& slot = i->second.members[values];
  if (!slot)
    slot = std::make_unique<series>();
  return *slot;
}

metric_counter&
metric_registry::counter(const std::string& name,
                         const std::vector<std::string>& values) {
  return find(name, metric_type::counter, values).counter;
}

metric_gauge& metric_registry::gauge(const std::string& name,
                                     const std::vector<std::string>& values) {
  return find(name, metric_type::gauge, values).gauge;
}

metric_histogram&
metric_registry::histogram(const std::string& name,
                           const std::vector<std::string>& values) {
  return find(name, metric_type::histogram, values).histogram;
}

std::string metric_registry::render() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::string out;
  for (auto& [name, fam] : families_) {
    out += "# HELP " + name + " " + escaped(fam.help, false) + "\n";
    out += "# TYPE " + name + " " + type_name(fam.type) + "\n";
    for (auto& [values, s] : fam.members) {
      auto labels = label_text(fam.label_names, values);
      switch (fam.type) {
      case metric_type::counter:
        out += name + labels + " " + std::to_string(s->counter.value()) + "\n";
        break;
      case metric_type::gauge:
        out += name + labels + " " + std::to_string(s->gauge.value()) + "\n";
        break;
      case metric_type::histogram: {
        // One snapshot of the buckets, so that `_count` equals the `+Inf`
        // bucket even while observations land.
        auto counts = s->histogram.counts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          auto le = i < metric_histogram::bounds.size()
                        ? number_text(metric_histogram::bounds[i], true)
                        : std::string{"+Inf"};
          out += name + "_bucket" +
                 label_text(fam.label_names, values, "le=\"" + le + "\"") +
                 " " + std::to_string(cumulative) + "\n";
        }
        out += name + "_sum" + labels + " " +
               number_text(s->histogram.sum_seconds()) + "\n";
        out +=
            name + "_count" + labels + " " + std::to_string(cumulative) + "\n";
        break;
      }
      }
    }
  }
  return out;
}

std::string escape_label_value(const std::string& x) {
  return escaped(x, true);
}

} // namespace cmm
