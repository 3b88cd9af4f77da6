/* Counter tablet (柜台平板): the 工作岗位牌 refreshes at once when the hall's event stream
   (pushed by the stream server, issue 16) reports something about this window — a call,
   a recall, a pause, a service started or finished — and the 窗口评价器 (000 §五(五)4(1))
   asks the citizen to rate the service the teller has just completed.

   The evaluator reads GET /api/v1/windows/{branch}/{n}/evaluator when the stream says a
   service at this window ended, and otherwise every 30 s (every 2 s while the stream is
   down). When it carries a rating (a completed, unrated service within
   RATINGS_EVALUATOR_TIMEOUT_SECONDS) the five levels are shown with a countdown; a bad
   level asks for reasons, a comment and an optional phone. The rating is POSTed to
   /api/v1/ratings with the token. When the countdown ends unanswered the overlay closes
   and the service stays unrated: nothing is ever submitted on the citizen's behalf. */
(function () {
  "use strict";
  var POLL_MS = 2000, PUSHED_POLL_MS = 30000, DONE_MS = 5000;
  var streaming = false; // the event stream is open: it says when to look

  function $(root, selector) { return root.querySelector(selector); }

  // The evaluator: returns its poll function, or null on a member of staff's preview.
  function setUpEvaluator(root) {
    var overlay = document.getElementById("evaluator");
    var evaluatorUrl = root.getAttribute("data-evaluator");
    if (!overlay || !evaluatorUrl) return null;  // a member of staff's preview: no evaluator
    var rateUrl = root.getAttribute("data-rate");
    var handled = {};           // tokens answered or timed out: never asked again
    var current = null;         // {token, deadline, label}
    var chosen = null;          // {level, label}
    var ticker = null, pollTimer = null, busy = false, inflight = false, again = false;

    function field(name) { return $(overlay, '[data-field="' + name + '"]'); }
    function step(name) {
      overlay.querySelectorAll("[data-step]").forEach(function (el) { el.hidden = el.getAttribute("data-step") !== name; });
      $(overlay, "[data-foot]").hidden = name === "done";
    }

    function hide() {
      overlay.hidden = true;
      if (ticker) { clearInterval(ticker); ticker = null; }
      current = null; chosen = null;
    }

    function tick() {
      if (!current) return;
      var left = Math.max(0, Math.round((current.deadline - Date.now()) / 1000));
      field("seconds").textContent = String(left);
      if (left <= 0) { handled[current.token] = true; hide(); }  // unanswered: stays unrated
    }

    function show(rating) {
      current = { token: rating.token, deadline: Date.now() + rating.seconds_left * 1000 };
      chosen = null;
      field("staff").textContent = rating.staff_name ? rating.staff_name + "（工号 " + rating.staff_no + "）" : "";
      field("ticket").textContent = rating.ticket_number + " 号";
      overlay.querySelectorAll("[data-level]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      overlay.querySelectorAll("input[name=reason]").forEach(function (c) { c.checked = false; });
      $(overlay, "textarea[name=comment]").value = "";
      $(overlay, "input[name=contact_phone]").value = "";
      field("error").hidden = true;
      step("ask");
      overlay.hidden = false;
      tick();
      if (ticker) clearInterval(ticker);
      ticker = setInterval(tick, 500);
    }

    function done(title, text, isError) {
      if (current) handled[current.token] = true;
      if (ticker) { clearInterval(ticker); ticker = null; }
      field("done-title").textContent = title;
      field("done-title").classList.toggle("error", !!isError);
      field("done-text").textContent = text || "";
      step("done");
      setTimeout(hide, DONE_MS);
    }

    function submit(level, reasons, comment, phone) {
      if (!current || busy) return;
      busy = true;
      fetch(rateUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ token: current.token, level: level, reasons: reasons, comment: comment, contact_phone: phone, rater_type: "person" })
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        busy = false;
        if (result.status === 201) {
          done("感谢您的评价！", String(result.body.message || "").replace(/^感谢您的评价！/, "") || "祝您生活愉快。");
          return;
        }
        if (result.status === 409) { done("本次服务已经评价过了", result.body.message, true); return; }
        if (result.status === 410) { done("评价时间已过", "您仍可扫描小票上的“评价”二维码，在手机上评价本次服务。", true); return; }
        if (result.status === 422 && chosen) {  // e.g. a phone number mistyped: let the citizen correct it
          field("error").textContent = result.body.message; field("error").hidden = false; step("bad"); return;
        }
        done("评价未能提交", (result.body && result.body.message) || "请扫描小票上的“评价”二维码在手机上评价。", true);
      }).catch(function () {
        busy = false;
        done("评价未能提交", "网络暂时不通，请扫描小票上的“评价”二维码在手机上评价。", true);
      });
    }

    overlay.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !current) return;
      var level = button.getAttribute("data-level");
      if (level) {
        overlay.querySelectorAll("[data-level]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        chosen = { level: Number(level), label: button.textContent.trim() };
        if (button.getAttribute("data-bad") === "1") { field("level").textContent = chosen.label; step("bad"); }
        else submit(chosen.level, [], "", "");
        return;
      }
      var action = button.getAttribute("data-action");
      if (action === "back") { chosen = null; field("error").hidden = true; step("ask"); }
      if (action === "submit" && chosen) {
        var reasons = [];
        overlay.querySelectorAll("input[name=reason]:checked").forEach(function (c) { reasons.push(c.value); });
        submit(chosen.level, reasons, $(overlay, "textarea[name=comment]").value, $(overlay, "input[name=contact_phone]").value);
      }
    });

    overlay.addEventListener("input", function () { field("error").hidden = true; });

    function poll() {
      if (inflight) { again = true; return; }
      if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
      if (!evaluatorUrl) return;
      inflight = true;
      fetch(evaluatorUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) return;
          var rating = state.rating;
          if (rating && !handled[rating.token] && (!current || current.token !== rating.token) && !busy) show(rating);
          else if (current && !busy && (!rating || rating.token !== current.token) && !$(overlay, '[data-step="ask"]').hidden) {
            handled[current.token] = true; hide();  // rated on another channel or expired
          }
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () {
          inflight = false;
          if (again) { again = false; poll(); } else { pollTimer = setTimeout(poll, streaming ? PUSHED_POLL_MS : POLL_MS); }
        });
    }
    poll();
    return poll;
  }

  // The hall's event stream: what concerns this window refreshes the page (and asks the
  // evaluator) at once. While it is down the page falls back to polling every few seconds.
  function connectStream(root, evaluatorPoll) {
    var mine = Number(root.getAttribute("data-window"));
    var url = root.getAttribute("data-events");
    var fallback = null;

    function refreshPanel() { if (window.htmx) window.htmx.trigger(root, "counter-refresh"); }
    function down() {
      streaming = false;
      if (!fallback) fallback = setInterval(refreshPanel, 5000);
    }
    function up() {
      streaming = true;
      if (fallback) { clearInterval(fallback); fallback = null; }
    }
    function onEvent(event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }  // polling catches up
      if (Number(data.window) !== mine) return;
      refreshPanel();
      if (evaluatorPoll) evaluatorPoll();
    }
    function connect() {
      var source = new EventSource(url);
      source.addEventListener("open", up);
      source.addEventListener("error", function () {
        down();
        // An error status (a server restarting) ends EventSource for good: open a new one.
        if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
      });
      ["call", "recall", "window", "ticket"].forEach(function (name) { source.addEventListener(name, onEvent); });
    }
    if (!window.EventSource) { down(); return; }
    connect();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("counter");
    if (!root) return;
    connectStream(root, setUpEvaluator(root));
  });
})();
