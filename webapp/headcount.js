/*
 * Headcount's embeddable client: live "N online on this page" counts and the counting pixel.
 *
 *   <script src="https://your.host/headcount/headcount.js"></script>
 *   <script>
 *     Headcount.hit();     // one view of this page, named as live() names it
 *     Headcount.live({onCount: function (n) { document.getElementById('online').textContent = n; }});
 *   </script>
 *
 * Every URL is built from this script's own src, so it works embedded on any site. No framework, no build step.
 */
(function () {
  'use strict';

  var BASE_DELAY_MS = 500;
  var MAX_DELAY_MS = 30000;
  // A handshake that neither opens nor fails by then is treated as failed (some proxies hold upgrades forever).
  var OPEN_TIMEOUT_MS = 10000;
  // After 1013 (server busy or this client too slow) wait at least a few steps of back-off.
  var BUSY_MIN_ATTEMPT = 3;
  var CLOSE_BAD_PAGE = 1008;
  var CLOSE_TRY_AGAIN_LATER = 1013;
  var VISITOR_KEY = 'headcount.visitor';

  /** The script's own URL, read now: document.currentScript is only set while this file first runs. */
  function ownSrc() {
    if (document.currentScript && document.currentScript.src) {
      return document.currentScript.src;
    }
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/headcount\.js(\?|#|$)/.test(scripts[i].src)) {
        return scripts[i].src;
      }
    }
    return location.href;
  }

  // The Headcount context, e.g. https://your.host/headcount/ for https://your.host/headcount/headcount.js.
  var BASE = new URL('./', ownSrc()).href;

  function url(path, params) {
    var u = new URL(path, BASE);
    Object.keys(params).forEach(function (name) {
      u.searchParams.set(name, params[name]);
    });
    return u;
  }

  /**
   * The one name of this page, for live() and hit() alike: this document's URL without its #fragment, which is also
   * what a browser sends as Referer (for online.png) under referrerpolicy="no-referrer-when-downgrade".
   */
  function currentPage() {
    return location.href.split('#')[0];
  }

  /**
   * This browser's visitor id on this site, so that its tabs count as one person: 128 random bits kept in
   * localStorage (no cookie, nothing from the address or the browser). Null where storage is refused: the
   * connection then counts on its own.
   */
  function visitorId() {
    try {
      var id = localStorage.getItem(VISITOR_KEY);
      if (!/^[0-9a-f]{32}$/.test(id || '')) {
        var bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        id = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
        localStorage.setItem(VISITOR_KEY, id);
      }
      return id;
    } catch (e) {
      return null;
    }
  }

  /** Full jitter: a random delay in [0, min(max, base × 2^attempt)). */
  function backoff(attempt) {
    return Math.floor(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * Math.pow(2, attempt)));
  }

  /**
   * Joins a page and reports its live count.
   *
   * options.page      the page to join; default: Headcount.page(), this document's URL without the #fragment.
   *                   Pass your own to merge URLs that differ only in query strings, and the same to hit().
   * options.watch     'all' to watch every page without being counted: frames are {"total":N,"pages":{…}}.
   * options.onCount   onCount(n, frame) for every frame: n is frame.online (frame.total when watching all).
   * options.onStatus  onStatus(state, info): state is 'connecting', 'open', 'retrying' (info.delayMs),
   *                   'refused' (the server said 1008, e.g. a page too long; no retry) or 'closed' (by close()).
   *                   info.transport is 'websocket' or 'eventsource'; info.code and info.reason when known.
   *
   * Joins over WebSocket; where WebSocket is missing or fails to open, over EventSource. Reconnects after any
   * close, with jittered exponential back-off. Returns {close()}.
   */
  function live(options) {
    options = options || {};
    var params = options.watch === 'all' ? {watch: 'all'} : {page: options.page || currentPage()};
    var visitor = options.watch === 'all' ? null : visitorId();
    if (visitor) {
      params.vid = visitor;
    }
    var onCount = options.onCount || function () {};
    var onStatus = options.onStatus || function () {};
    var attempt = 0;
    var preferEventSource = false;
    var stopped = false;
    var current = null;
    var timer = null;

    function status(state, info) {
      try {
        onStatus(state, info || {});
      } catch (e) {
        setTimeout(function () { throw e; });
      }
    }

    function frame(text) {
      var data;
      try {
        data = JSON.parse(text);
      } catch (e) {
        return;
      }
      var n = options.watch === 'all' ? data.total : data.online;
      if (typeof n !== 'number') {
        return;
      }
      // A frame proves the link works end to end: the next drop starts back-off afresh.
      attempt = 0;
      onCount(n, data);
    }

    function retry(info) {
      if (stopped) {
        return;
      }
      current = null;
      if (info.code === CLOSE_BAD_PAGE) {
        stopped = true;
        status('refused', info);
        return;
      }
      if (info.code === CLOSE_TRY_AGAIN_LATER) {
        attempt = Math.max(attempt, BUSY_MIN_ATTEMPT);
      }
      info.delayMs = backoff(attempt++);
      status('retrying', info);
      timer = setTimeout(connect, info.delayMs);
    }

    function connect() {
      timer = null;
      if (stopped) {
        return;
      }
      if (!preferEventSource && typeof WebSocket === 'function') {
        viaWebSocket();
      } else {
        viaEventSource(false);
      }
    }

    function viaWebSocket() {
      var u = url('live', params);
      u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
      var socket;
      try {
        socket = new WebSocket(u.href);
      } catch (e) {
        viaEventSource(false);
        return;
      }
      var opened = false;
      var done = false;
      var openTimer = setTimeout(function () {
        finish({code: 1006, reason: 'open timed out'});
        socket.close();
      }, OPEN_TIMEOUT_MS);
      current = {close: function () { done = true; clearTimeout(openTimer); socket.close(1000); }};
      status('connecting', {transport: 'websocket'});

      function finish(info) {
        if (done) {
          return;
        }
        done = true;
        clearTimeout(openTimer);
        info.transport = 'websocket';
        if (!opened && info.code !== CLOSE_BAD_PAGE && typeof EventSource === 'function') {
          // Never opened: WebSocket may be blocked on this network; try EventSource before backing off.
          viaEventSource(true);
        } else {
          retry(info);
        }
      }

      socket.onopen = function () {
        opened = true;
        clearTimeout(openTimer);
        status('open', {transport: 'websocket'});
      };
      socket.onmessage = function (event) {
        frame(event.data);
      };
      socket.onclose = function (event) {
        finish({code: event.code, reason: event.reason});
      };
    }

    /** fallback: WebSocket just failed to open; if EventSource then works, this handle keeps to it from now on. */
    function viaEventSource(fallback) {
      if (typeof EventSource !== 'function') {
        retry({transport: 'eventsource', code: 0, reason: 'neither WebSocket nor EventSource works here'});
        return;
      }
      var source = new EventSource(url('live/events', params).href);
      var done = false;
      current = {close: function () { done = true; source.close(); }};
      status('connecting', {transport: 'eventsource'});
      source.onopen = function () {
        if (fallback) {
          preferEventSource = true;
        }
        status('open', {transport: 'eventsource'});
      };
      source.onmessage = function (event) {
        frame(event.data);
      };
      source.onerror = function () {
        if (done) {
          return;
        }
        // EventSource would retry by itself, every client at the same moment after a restart: back off with jitter instead.
        done = true;
        source.close();
        retry({transport: 'eventsource', code: 0, reason: 'stream failed or ended'});
      };
    }

    connect();

    return {
      /** Leaves the page and stops reconnecting. Idempotent. */
      close: function () {
        if (stopped) {
          return;
        }
        stopped = true;
        clearTimeout(timer);
        if (current) {
          current.close();
          current = null;
        }
        status('closed', {});
      }
    };
  }

  /**
   * Counts one hit for key (default: this document's URL without the #fragment) with /pixel.gif: a beacon where the
   * browser has one, so it survives the page unloading, else an image request.
   */
  function hit(key) {
    var u = url('pixel.gif', {key: key == null ? currentPage() : String(key)});
    if (navigator.sendBeacon) {
      try {
        if (navigator.sendBeacon(u.href)) {
          return;
        }
      } catch (e) {
        // fall through to the image
      }
    }
    // The extra parameter stops the browser reusing an image it already fetched for this key in this document.
    u.searchParams.set('_', Date.now().toString(36) + Math.random().toString(36).slice(2));
    var image = new Image(1, 1);
    image.src = u.href;
  }

  window.Headcount = {live: live, hit: hit, page: currentPage, base: BASE};
}());
