/* The behaviour every page shares, driven by data attributes: no inline script and no
   eval anywhere, so that the Content-Security-Policy is `script-src 'self'`
   (config/settings.py, docs/security.md). Loaded by templates/base.html, the hall
   devices' templates/queueing/device_base.html and the print pages.

   data-confirm="…"           a form (on submit) or a link / button (on click) asks first;
                              cancelling does nothing. With data-confirm-if="<selector>"
                              only when the form holds a match (e.g. the decision "reject").
                              data-confirm-warning="…" is put before the question (the server's
                              computed warning, e.g. people still waiting at 签退).
   data-print                 a button that prints the page.
   data-back                  a link that goes back one page (its href is the fallback).
   data-autosubmit            a field whose change submits its form (htmx forms included).
   data-navigate="/x/{f}/"    a GET form that goes to the address with {f} = the value of field f.
   data-show-if="<selector>"  shown only while its form (or the page) holds a match.
   data-focus-on-load         the first one on the page is scrolled into view, with the
                              <details> around it opened (a refused form's message).
   data-pause-while-open      a polled htmx element skips its refresh while a <details>
                              inside it is open (a form being filled in).
   data-poll-visible          a polled htmx element skips its refresh while the tab is
                              hidden, and is refreshed ("visible" event) when it shows again.
   data-relay-change="<sel>"  a change of a matching field inside the element fires the
                              element's "relayed-change" event (its hx-trigger).

   htmx answers: htmx swaps only 2xx answers by default, so a refusal (403/404/409/422/429)
   left the screen as it was and the person believed it worked. Here a 4xx answer that is
   a partial page (a panel re-rendered with its message) is swapped into its target like a
   success; an answer that is only a message (common.input.DomainErrorMiddleware,
   common.views), a whole error page, a 5xx or a lost connection is shown in a message box
   next to the element that made the request. */
(function () {
  "use strict";

  // --- Confirmations -------------------------------------------------------------------

  function question(el, form) {
    var message = el.getAttribute("data-confirm");
    if (!message) return null;
    var condition = el.getAttribute("data-confirm-if");
    if (condition && !(form || el).querySelector(condition)) return null;
    var warning = el.getAttribute("data-confirm-warning");
    return warning ? warning + "\n\n" + message : message;
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute("data-confirmed")) {
        submitter.removeAttribute("data-confirmed");
        return;
      }
      var text = (submitter && question(submitter, form)) || question(form, form);
      if (text !== null && !window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // --- Clicks: confirmations on links and buttons, print, back -----------------------------

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      var confirmable = target.closest("a[data-confirm], button[data-confirm]");
      if (confirmable) {
        var text = question(confirmable, confirmable.form || null);
        if (text !== null) {
          if (!window.confirm(text)) {
            event.preventDefault();
            event.stopImmediatePropagation();
            return;
          }
          // A submit button asked already: its form's submit event (dispatched during this
          // click's default action) does not ask again.
          if (confirmable.form) {
            confirmable.setAttribute("data-confirmed", "");
            window.setTimeout(function () { confirmable.removeAttribute("data-confirmed"); }, 0);
          }
        }
      }
      if (target.closest("[data-print]")) {
        event.preventDefault();
        window.print();
        return;
      }
      var back = target.closest("a[data-back]");
      if (back && window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    },
    true
  );

  // One drop-down of the main menu open at a time; a click elsewhere closes it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });

  // --- Fields that act on change ---------------------------------------------------------

  document.addEventListener("change", function (event) {
    var field = event.target instanceof Element ? event.target : null;
    if (!field) return;
    if (field.hasAttribute("data-autosubmit") && field.form) {
      if (typeof field.form.requestSubmit === "function") field.form.requestSubmit();
      else field.form.submit();
    }
    var relay = field.closest("[data-relay-change]");
    if (relay && field.matches(relay.getAttribute("data-relay-change")) && window.htmx) {
      window.htmx.trigger(relay, "relayed-change");
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-navigate")) return;
    event.preventDefault();
    var address = form.getAttribute("data-navigate").replace(/\{(\w+)\}/g, function (_, name) {
      var field = form.elements.namedItem(name);
      return encodeURIComponent(field && "value" in field ? field.value : "");
    });
    window.location.assign(address);
  });

  function syncShown(root) {
    (root || document).querySelectorAll("[data-show-if]").forEach(function (el) {
      var scope = el.closest("form") || document;
      el.hidden = !scope.querySelector(el.getAttribute("data-show-if"));
    });
  }
  document.addEventListener("change", function () { syncShown(); });
  document.addEventListener("input", function () { syncShown(); });

  // --- On load ----------------------------------------------------------------------------

  function onLoad() {
    syncShown();
    var focus = document.querySelector("[data-focus-on-load]");
    if (focus) {
      for (var el = focus.parentElement; el; el = el.parentElement) {
        if (el.tagName === "DETAILS") el.open = true;
      }
      focus.scrollIntoView({ block: "center" });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();

  // --- htmx -------------------------------------------------------------------------------

  var htmx = window.htmx;
  if (!htmx) return;
  htmx.config.allowEval = false; // no hx-on, no js: values, no [filters]: nothing to evaluate
  htmx.config.allowScriptTags = false;

  var NETWORK = "网络连接中断，操作没有完成，请检查网络后重试。";
  var SERVER = "系统出错，操作没有完成，请稍后重试；如多次出现，请告诉系统管理员。";

  function messageBox(elt) {
    var anchor = elt.closest("form") || elt;
    var next = anchor.nextElementSibling;
    if (next && next.classList.contains("htmx-error")) return next;
    var box = document.createElement("div");
    box.className = "htmx-error";
    box.setAttribute("role", "alert");
    anchor.insertAdjacentElement("afterend", box);
    return box;
  }

  function showMessage(elt, text) {
    var box = messageBox(elt);
    box.textContent = text;
    box.scrollIntoView({ block: "nearest" });
  }

  function clearMessage(elt) {
    var anchor = elt.closest("form") || elt;
    var next = anchor.nextElementSibling;
    if (next && next.classList.contains("htmx-error")) next.remove();
  }

  function isDocument(text) {
    return /^\s*(<!doctype|<html)/i.test(text);
  }

  function messageOf(text) {
    // The message of an answer that is only a message, or of a whole error page.
    var doc = new DOMParser().parseFromString(text, "text/html");
    var el =
      doc.querySelector("main [role=alert]") ||
      doc.querySelector("[role=alert]") ||
      doc.querySelector("main .error") ||
      doc.querySelector("main .card p") ||
      doc.querySelector("main p") ||
      doc.querySelector("p");
    return el ? el.textContent.trim() : "";
  }

  function onlyAMessage(text) {
    // <p class="error" role="alert">…</p> and the like: one element that is the message.
    var doc = new DOMParser().parseFromString("<body>" + text + "</body>", "text/html");
    var children = doc.body.children;
    return (
      children.length === 1 &&
      (children[0].getAttribute("role") === "alert" || children[0].classList.contains("error"))
    );
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.hasAttribute("data-pause-while-open") && elt.querySelector("details[open]")) {
      event.preventDefault();
      return;
    }
    if (elt.hasAttribute("data-poll-visible") && document.visibilityState !== "visible") {
      event.preventDefault();
      return;
    }
    clearMessage(elt);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var status = detail.xhr.status;
    if (status < 400) return;
    var text = detail.xhr.responseText || "";
    var elt = detail.requestConfig ? detail.requestConfig.elt : detail.elt;
    if (status < 500 && text && !isDocument(text) && !onlyAMessage(text)) {
      // A partial re-rendered with its message (the workstation's or the guide's panel).
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    detail.shouldSwap = false;
    var message = text ? messageOf(text) : "";
    if (!message || (status >= 500 && isDocument(text))) message = status >= 500 ? SERVER : "操作没有完成。";
    showMessage(elt, message);
  });

  document.addEventListener("htmx:sendError", function (event) {
    showMessage(event.detail.elt, NETWORK);
  });
  document.addEventListener("htmx:timeout", function (event) {
    showMessage(event.detail.elt, NETWORK);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") return;
    document.querySelectorAll("[data-poll-visible]").forEach(function (el) {
      htmx.trigger(el, "visible");
    });
  });
})();
