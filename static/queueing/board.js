/* Hall display (叫号显示屏): server push, voice and chime, no external assets.

   - Server-Sent Events from /board/<branch>/events/ (pushed by the stream server the
     moment a call commits, issue 16): each call is drawn the moment it arrives (banner,
     window tile, recent list), then the whole board is refreshed. A ticket taken or a
     service finished ("ticket" events) refreshes the waiting counts, at most every few
     seconds; without any event the board refreshes itself once a minute.
   - EventSource reconnects by itself after a stream ends (Last-Event-ID); when a
     reconnect gets an error status (a server restart) it stops for good, so this
     script opens a new one after a delay, asking for what it missed (?after=<last id>).
   - Voice: a two-tone chime made with WebAudio, then the Web Speech API in zh-CN
     ("请 B007 号到 3 号窗口办理"). Browsers allow sound only after a user gesture
     unless the kiosk browser is started with --autoplay-policy=no-user-gesture-required:
     then a one-time "点击开启语音播报" overlay is shown. Without a Chinese voice the
     footer says so, and the call is still shown and chimed.
*/
(function () {
  "use strict";

  var board, bannerText, banner, live, overlay, offline, voiceStatus;
  var seen = {};
  var lastId = 0;
  var source = null;
  var audio = null;
  var voiceEnabled = false;
  var refreshTimer = null;
  var freshWindow = null;
  var freshUntil = 0;
  window.__boardAnnouncements = [];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Beijing time whatever the device's time zone (China has no daylight saving time).
  function beijingNow() { return new Date(Date.now() + 8 * 3600 * 1000); }

  function clock() {
    var week = "日一二三四五六";
    var d = beijingNow();
    var c = document.querySelector("[data-clock]");
    var dd = document.querySelector("[data-date]");
    if (c) c.textContent = pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    if (dd) dd.textContent = d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日 星期" + week.charAt(d.getUTCDay());
  }

  // --- Sound --------------------------------------------------------------------------
  function audioContext() {
    if (audio) return audio;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    try { audio = new Ctx(); } catch (e) { audio = null; }
    return audio;
  }

  function chime() {
    var ctx = audioContext();
    if (!ctx || ctx.state !== "running") return;
    [[880, 0], [660, 0.32]].forEach(function (tone) {
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      var start = ctx.currentTime + tone[1];
      osc.type = "sine";
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.35, start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(start); osc.stop(start + 0.65);
    });
  }

  function chineseVoice() {
    if (!("speechSynthesis" in window)) return null;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^zh([-_](CN|Hans|SG))?/i.test(voices[i].lang) || /chinese|中文|普通话/i.test(voices[i].name)) return voices[i];
    }
    return null;
  }

  function showVoiceStatus() {
    if (!voiceStatus) return;
    var message = "";
    if (!("speechSynthesis" in window)) message = "本机浏览器不支持语音播报，叫号以画面和提示音提示";
    else if (!chineseVoice()) message = "本机未安装中文语音，叫号以画面和提示音提示";
    voiceStatus.textContent = message;
    voiceStatus.hidden = !message;
  }

  function announce(text) {
    window.__boardAnnouncements.push(text);
    chime();
    if (!voiceEnabled || !("speechSynthesis" in window)) return;
    setTimeout(function () {
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      var voice = chineseVoice();
      if (voice) utterance.voice = voice;
      window.speechSynthesis.speak(utterance);
    }, 750);
  }

  function enableVoice() {
    var ctx = audioContext();
    if (ctx && ctx.state === "suspended") ctx.resume();
    if ("speechSynthesis" in window) window.speechSynthesis.speak(new SpeechSynthesisUtterance(""));
    voiceEnabled = true;
    overlay.hidden = true;
    try { localStorage.setItem("board-voice", "on"); } catch (e) { /* private mode */ }
  }

  function setUpVoice() {
    var ctx = audioContext();
    if (ctx && ctx.state === "running") {
      voiceEnabled = true;
    } else {
      overlay.hidden = false; // a user gesture is needed once (browser autoplay policy)
    }
    document.getElementById("board-enable-voice").addEventListener("click", enableVoice);
    if ("speechSynthesis" in window && window.speechSynthesis.onvoiceschanged !== undefined) {
      window.speechSynthesis.onvoiceschanged = showVoiceStatus;
    }
    setTimeout(showVoiceStatus, 1500);
  }

  // --- Drawing --------------------------------------------------------------------------
  function tile(windowNumber) {
    return document.querySelector('.board-window[data-window-number="' + windowNumber + '"]');
  }

  function markFresh() {
    if (!freshWindow || Date.now() > freshUntil) return;
    var el = tile(freshWindow);
    if (el) { el.classList.add("fresh", "called"); }
  }

  function drawCall(data) {
    bannerText.textContent = data.text;
    banner.classList.remove("idle", "flash");
    void banner.offsetWidth; // restart the animation
    banner.classList.add("flash");
    var el = tile(data.window);
    if (el) {
      var cur = el.querySelector("[data-current]");
      if (cur) { cur.textContent = data.number; cur.classList.remove("none"); }
      el.classList.remove("fresh");
      void el.offsetWidth;
      el.classList.add("called", "fresh");
    }
    freshWindow = data.window;
    freshUntil = Date.now() + 3500;
    var list = document.getElementById("board-recent");
    if (list) {
      var item = document.createElement("li");
      item.setAttribute("data-event", data.id);
      item.innerHTML = "";
      item.appendChild(document.createTextNode(data.number + " "));
      var span = document.createElement("span");
      span.textContent = "→ " + data.window + " 号窗口" + (data.kind === "recall" ? "（重呼）" : "");
      item.appendChild(span);
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 8) list.removeChild(list.lastChild);
    }
  }

  var lastRefresh = 0;
  var ACTIVITY_REFRESH_MS = 3000;

  // Waiting counts change with every ticket taken: refresh soon, but at most every 3 s.
  function refreshSoon() {
    if (refreshTimer) return; // one is already due
    refresh(Math.max(250, lastRefresh + ACTIVITY_REFRESH_MS - Date.now()));
  }

  function refresh(delay) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      lastRefresh = Date.now();
      fetch(board.getAttribute("data-state"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) { live.innerHTML = html; markFresh(); })
        .catch(function () { /* the next event or the periodic refresh tries again */ });
    }, typeof delay === "number" ? delay : 250);
  }

  // --- The stream -------------------------------------------------------------------------
  function onCall(event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    lastId = Math.max(lastId, Number(data.id) || 0);
    if (seen[data.id]) return;
    seen[data.id] = true;
    drawCall(data);
    if (!data.stale) announce(data.text);
    refresh();
  }

  function onWindow(event) {
    try { lastId = Math.max(lastId, Number(JSON.parse(event.data).id) || 0); } catch (e) { /* ignore */ }
    refresh();
  }

  function connect() {
    if (source) source.close();
    var url = board.getAttribute("data-events") + "?after=" + lastId;
    source = new EventSource(url);
    source.addEventListener("open", function () { offline.hidden = true; });
    source.addEventListener("call", onCall);
    source.addEventListener("recall", onCall);
    source.addEventListener("window", onWindow);
    source.addEventListener("ticket", refreshSoon);
    source.addEventListener("error", function () {
      offline.hidden = false;
      if (source.readyState === EventSource.CLOSED) {
        // An error status (e.g. 502 while the server restarts) ends EventSource for good.
        setTimeout(connect, 2000);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    board = document.getElementById("board");
    banner = document.getElementById("board-banner");
    bannerText = document.getElementById("board-banner-text");
    live = document.getElementById("board-live");
    overlay = document.getElementById("board-overlay");
    offline = document.getElementById("board-offline");
    voiceStatus = document.getElementById("board-voice-status");
    lastId = Number(board.getAttribute("data-after")) || 0;
    (board.getAttribute("data-seen") || "").split(",").forEach(function (id) { if (id) seen[id] = true; });
    clock();
    setInterval(clock, 1000);
    setUpVoice();
    connect();
    setInterval(function () { if (Date.now() - lastRefresh > 55000) refresh(); }, 60000); // estimates drift with time
    window.__boardReady = true;
  });
})();
