#include "http_fixture.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "cmm/model_generator.hpp"
#include "support/child_process.hpp"

namespace cmm::test {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string lower(std::string x) {
  for (auto& c : x)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return x;
}

/// The headers of the last response in a `curl -D` dump (an interim
/// `100 Continue` comes first).
std::map<std::string, std::string> parse_headers(const std::string& dump) {
  std::map<std::string, std::string> out;
  for (auto& line : lines_of(dump)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
      out.clear();
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    out[lower(line.substr(0, colon))] = value;
  }
  return out;
}

/// The family a sample belongs to: its name without a histogram's suffix.
std::string family_of(const std::string& name,
                      const std::map<std::string, std::string>& types) {
  for (auto suffix : {"_bucket", "_sum", "_count"}) {
    std::string s = suffix;
    if (name.size() > s.size() &&
        name.compare(name.size() - s.size(), s.size(), s) == 0) {
      auto base = name.substr(0, name.size() - s.size());
      auto i = types.find(base);
      if (i != types.end() && i->second == "histogram")
        return base;
    }
  }
  return name;
}

/// `{a="1",le="5"}` without its `le` label, and the `le` value.
std::pair<std::string, std::string> split_le(const std::string& labels) {
  std::string rest;
  std::string le;
  size_t i = 1; // past '{'
  while (i < labels.size() && labels[i] != '}') {
    auto eq = labels.find('=', i);
    auto name = labels.substr(i, eq - i);
    auto j = eq + 2; // past '="'
    std::string value;
    while (labels[j] != '"') {
      if (labels[j] == '\\')
        value += labels[j++];
      value += labels[j++];
    }
    if (name == "le")
      le = value;
    else
      rest += (rest.empty() ? "" : ",") + name + "=\"" + value + "\"";
    i = j + 1;
    if (labels[i] == ',')
      ++i;
  }
  return {rest.empty() ? "" : "{" + rest + "}", le};
}

} // namespace

bool have_curl() {
  return std::system("curl --version > /dev/null 2>&1") == 0;
}

http_reply curl(const temp_directory& dir, const http_request& req) {
  static std::atomic<int> counter{0};
  auto n = std::to_string(counter++);
  auto body_file = dir.file("curl-body-" + n);
  auto head_file = dir.file("curl-head-" + n);
  std::vector<std::string> args{
      "/usr/bin/curl", "-sS", "-o",           body_file, "-D",
      head_file,       "-w",  "%{http_code}", "-X",      req.method};
  if (!req.bare && (!req.body.empty() || req.method == "POST")) {
    auto send_file = dir.file("curl-send-" + n);
    std::ofstream{send_file, std::ios::binary} << req.body;
    args.push_back("--data-binary");
    args.push_back("@" + send_file);
    args.push_back("-H");
    args.push_back("Content-Type: application/json");
  }
  for (auto& h : req.headers) {
    args.push_back("-H");
    args.push_back(h);
  }
  for (auto& a : req.curl_args)
    args.push_back(a);
  args.push_back(req.url);
  child_process proc{args, child_process::stderr_to::err};
  auto done = proc.wait(std::chrono::seconds{60});
  if (!done || done->exit_code != 0)
    throw std::runtime_error("curl " + req.method + " " + req.url +
                             " failed: " + (done ? done->err : "timeout"));
  http_reply out;
  out.status = std::stoi(done->out);
  out.headers = parse_headers(read_file(head_file));
  out.body = read_file(body_file);
  return out;
}

node_options http_catalog(const temp_directory& dir) {
  model_blueprint tiny;
  tiny.width = 16;
  tiny.hidden = 32;
  tiny.vocab = 50;
  write_model(dir.file("tiny.pt"), tiny);
  write_two_headed_model(dir.file("two.pt"));
  node_options out;
  out.http = true;
  out.models = {
      {"echo", "sim://echo?bytes=1000,base,cpu,fp32"},
      {"tiny", dir.file("tiny.pt") + ",base,cpu,fp32"},
      {"two", dir.file("two.pt") + ",base,cpu,fp32"},
      {"absent", dir.file("absent.pt") + ",base,cpu,fp32"},
      {"pinned", "sim://pinned?bytes=10&load_ms=1500,base,cpu,fp32,pin"},
  };
  return out;
}

http_fixture::http_fixture(const std::function<void(node_options&)>& adjust) {
  auto options = http_catalog(dir);
  adjust(options);
  start(options);
}

http_fixture::http_fixture() {
  start(http_catalog(dir));
}

void http_fixture::start(const node_options& options) {
  if (!have_curl())
    throw std::runtime_error("these tests need the curl program "
                             "(tools/setup.sh installs it)");
  node = std::make_unique<node_process>(dir, options);
  auto found = client.connect(node->port());
  if (!found)
    throw std::runtime_error("cannot connect to the node: " +
                             client.sys().render(found.error()));
  endpoint = std::move(*found);
}

std::string http_fixture::base(bool operator_side) const {
  return "http://127.0.0.1:" + std::to_string(operator_side
                                                  ? node->http_operator_port()
                                                  : node->http_port());
}

http_reply http_fixture::get(const std::string& path, bool operator_side) {
  http_request req;
  req.url = base(operator_side) + path;
  return curl(dir, req);
}

http_reply http_fixture::post(const std::string& path, const std::string& body,
                              std::vector<std::string> headers,
                              bool operator_side) {
  http_request req;
  req.method = "POST";
  req.url = base(operator_side) + path;
  req.body = body;
  req.headers = std::move(headers);
  return curl(dir, req);
}

std::map<std::string, double> http_fixture::scrape() {
  auto reply = get("/metrics");
  REQUIRE(reply.status == 200);
  CHECK(reply.headers["content-type"].rfind("text/plain; version=0.0.4", 0) ==
        0);
  return parse_exposition(reply.body);
}

std::string fp32_request(const std::vector<int64_t>& shape,
                         const std::vector<float>& values) {
  std::ostringstream out;
  out.precision(9);
  out << R"({"inputs":[{"name":"INPUT__0","datatype":"FP32","shape":[)";
  for (size_t i = 0; i < shape.size(); ++i)
    out << (i > 0 ? "," : "") << shape[i];
  out << R"(],"data":[)";
  for (size_t i = 0; i < values.size(); ++i)
    out << (i > 0 ? "," : "") << values[i];
  out << "]}]}";
  return out.str();
}

std::map<std::string, double> parse_exposition(const std::string& text) {
  std::map<std::string, std::string> helps;
  std::map<std::string, std::string> types;
  std::map<std::string, double> samples;
  // Per histogram series (labels without `le`): its buckets in order.
  std::map<std::string, std::vector<std::pair<std::string, double>>> buckets;
  for (auto& line : lines_of(text)) {
    if (line.rfind("# HELP ", 0) == 0) {
      auto rest = line.substr(7);
      helps[rest.substr(0, rest.find(' '))] = rest;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      auto rest = line.substr(7);
      auto space = rest.find(' ');
      types[rest.substr(0, space)] = rest.substr(space + 1);
      continue;
    }
    REQUIRE_FALSE(line.empty());
    auto space = line.rfind(' ');
    auto series = line.substr(0, space);
    auto value = std::stod(line.substr(space + 1));
    auto name = series.substr(0, series.find('{'));
    auto family = family_of(name, types);
    CAPTURE(line);
    CHECK(helps.count(family) == 1);
    CHECK(types.count(family) == 1);
    samples[series] = value;
    if (name == family + "_bucket") {
      auto labels = series.substr(name.size());
      auto [rest, le] = split_le(labels);
      buckets[family + rest].emplace_back(le, value);
    }
  }
  for (auto& [series, list] : buckets) {
    CAPTURE(series);
    REQUIRE_FALSE(list.empty());
    CHECK(list.back().first == "+Inf");
    for (size_t i = 1; i < list.size(); ++i)
      CHECK(list[i].second >= list[i - 1].second);
    auto brace = series.find('{');
    auto family = series.substr(0, brace);
    auto labels = brace == std::string::npos ? "" : series.substr(brace);
    CHECK(samples.at(family + "_count" + labels) == list.back().second);
  }
  for (auto& [family, type] : types) {
    CAPTURE(family);
    CHECK((type == "counter" || type == "gauge" || type == "histogram"));
    if (type == "counter")
      CHECK(family.rfind("_total") == family.size() - 6);
  }
  return samples;
}

} // namespace cmm::test
