#include "cmm/http_front.hpp"

#include <chrono>

#include <openssl/ssl.h>

#include "cmm/http_status.hpp"
#include "cmm/log.hpp"
#include "http_front_impl.hpp"

namespace cmm {

namespace {

std::shared_ptr<spdlog::logger> http_log() {
  static auto instance = logger("http");
  return instance;
}

/// A server with the certificate and key of `tls`, the key unlocked with
/// its passphrase if it has one. With `verify_clients` and a CA file, a
/// client must present a certificate that CA signed.
std::unique_ptr<httplib::Server> make_tls_server(const tls_settings& tls,
                                                 bool verify_clients) {
  auto setup = [tls, verify_clients](SSL_CTX& ctx) {
    if (!tls.passphrase.empty())
      SSL_CTX_set_default_passwd_cb_userdata(
          &ctx, const_cast<char*>(tls.passphrase.c_str()));
    if (SSL_CTX_use_certificate_chain_file(&ctx, tls.certificate.c_str()) !=
            1 ||
        SSL_CTX_use_PrivateKey_file(&ctx, tls.key.c_str(), SSL_FILETYPE_PEM) !=
            1 ||
        SSL_CTX_check_private_key(&ctx) != 1)
      return false;
    if (!verify_clients || tls.ca_file.empty())
      return true;
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       nullptr);
    return SSL_CTX_load_verify_locations(&ctx, tls.ca_file.c_str(), nullptr) ==
           1;
  };
  return std::make_unique<httplib::SSLServer>(setup);
}

} // namespace

void http_front::impl::answer_error(httplib::Response& res, int status,
                                    const std::string& message) {
  res.status = status;
  res.set_content(v2::error_body(message), "application/json");
}

void http_front::impl::answer_failure(httplib::Response& res,
                                      const failure& why) {
  answer_error(res, http_status_of(why.code), why.message);
  if (auto after = retry_after_of(why))
    res.set_header("Retry-After", std::to_string(after->count()));
}

result<std::unique_ptr<http_front>>
http_front::launch(std::unique_ptr<blocking_client> manager,
                   manager_metrics_ptr metrics,
                   std::shared_ptr<const node_status> status,
                   http_settings settings, bool operator_side) {
  auto st = std::make_unique<impl>();
  st->manager = std::move(manager);
  st->metrics = std::move(metrics);
  st->status = std::move(status);
  st->settings = std::move(settings);
  st->operator_side = operator_side;
  auto& s = st->settings;
  // Probes and scrapers reach the client side with the server's certificate
  // alone; the operator side asks for a client certificate like the CAF
  // endpoints do.
  st->server = s.tls.enabled() ? make_tls_server(s.tls, st->operator_side)
                               : std::make_unique<httplib::Server>();
  auto& server = *st->server;
  if (!server.is_valid())
    return failure{errc::invalid_spec,
                   "cannot serve HTTP over TLS with cmm.tls.certificate '" +
                       s.tls.certificate + "', cmm.tls.key '" + s.tls.key +
                       "' and cmm.tls.ca-file '" + s.tls.ca_file +
                       "': unreadable, not PEM, or not a pair"};
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(s.request_timeout)
          .count();
  server.set_read_timeout(seconds);
  server.set_write_timeout(seconds);
  server.set_keep_alive_timeout(5);
  server.set_tcp_nodelay(true);
  // The JSON part and the binary tensors together; httplib answers 413 to
  // a body announced larger, before reading it.
  server.set_payload_max_length(s.bounds.max_json_bytes +
                                s.bounds.tensors.max_request_bytes);
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty())
      return;
    auto message = res.status == 404 ? std::string{"no such route"}
                   : res.status == 413
                       ? std::string{"the request body is larger than this "
                                     "node takes (cmm.max-request-bytes)"}
                       : "the request was refused (HTTP " +
                             std::to_string(res.status) + ")";
    res.set_content(v2::error_body(message), "application/json");
  });
  server.set_exception_handler([](const httplib::Request& req,
                                  httplib::Response& res,
                                  std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& ex) {
      what = ex.what();
    } catch (...) {
    }
    http_log()->error("{} {} failed: {}", req.method, req.path, what);
    http_front::impl::answer_error(res, 500, "internal error: " + what);
  });
  st->add_routes();
  if (s.port == 0) {
    auto port = server.bind_to_any_port(s.bind);
    if (port <= 0)
      return failure{errc::invalid_spec, "cannot listen for HTTP on " + s.bind +
                                             ": " +
                                             "no free port or no such address"};
    st->port = static_cast<uint16_t>(port);
  } else if (!server.bind_to_port(s.bind, s.port)) {
    return failure{errc::invalid_spec,
                   "cannot listen for HTTP on " + s.bind + ":" +
                       std::to_string(s.port) +
                       ": the port is taken or the address is not this host's"};
  } else {
    st->port = s.port;
  }
  st->listener = std::thread{[&server] { server.listen_after_bind(); }};
  http_log()->info("HTTP {} side on {}:{}",
                   st->operator_side ? "operator" : "client", s.bind, st->port);
  return std::unique_ptr<http_front>{new http_front(std::move(st))};
}

http_front::http_front(std::unique_ptr<impl> ptr) : impl_(std::move(ptr)) {
  // nop
}

http_front::~http_front() {
  impl_->server->stop();
  if (impl_->listener.joinable())
    impl_->listener.join();
}

uint16_t http_front::port() const noexcept {
  return impl_->port;
}

result<std::unique_ptr<http_front>> http_front::start_client(
    caf::actor_system& sys, client_actor gate, manager_metrics_ptr metrics,
    std::shared_ptr<const node_status> status, http_settings settings) {
  auto manager = std::make_unique<blocking_client>(sys, std::move(gate),
                                                   settings.request_timeout);
  return launch(std::move(manager), std::move(metrics), std::move(status),
                std::move(settings), false);
}

result<std::unique_ptr<http_front>> http_front::start_operator(
    caf::actor_system& sys, operator_actor gate, manager_metrics_ptr metrics,
    std::shared_ptr<const node_status> status, http_settings settings) {
  auto manager = std::make_unique<blocking_client>(sys, std::move(gate),
                                                   settings.request_timeout);
  return launch(std::move(manager), std::move(metrics), std::move(status),
                std::move(settings), true);
}

} // namespace cmm
