// The guided session (templates/guided/session.html): today's exercises one step at a time,
// holds and rests timed, then pain and effort, then the normal log form is posted with what
// was actually done (the server checks it as it checks the log form; nothing is half-saved).
//
// Without this script the page is a plain list with a link to the log form. Time is read
// only through now(), so a test's fake clock (Playwright's page.clock) drives every timer.
(function () {
  "use strict";
  var root = document.getElementById("guided");
  var dataEl = document.getElementById("g-data");
  if (!root || !dataEl) return;
  var data = JSON.parse(dataEl.textContent || "{}");
  var steps = data.steps || [];
  if (!steps.length) return;

  function now() { return Date.now(); }
  function $(id) { return document.getElementById(id); }

  var el = {
    intro: $("g-intro"), list: $("g-list"), plainLog: $("g-plain-log"), run: $("g-run"),
    count: $("g-count"), progress: $("g-progress"), name: $("g-name"), block: $("g-block"),
    picture: $("g-picture"), prompt: $("g-prompt"), target: $("g-target"), timer: $("g-timer"),
    paused: $("g-paused"), main: $("g-main"), pause: $("g-pause"), easier: $("g-easier"),
    skip: $("g-skip"), cues: $("g-cues"), live: $("g-live"), speak: $("g-speak"),
    finish: $("g-finish"), summary: $("g-summary"), nothing: $("g-nothing"),
    fields: $("g-fields"), notes: $("g-notes"), save: $("g-save"), start: $("g-start")
  };
  root.querySelectorAll(".g-js").forEach(function (n) { n.hidden = false; });

  // --- sound, buzz, speech, screen awake ----------------------------------------------------
  var audio = null;
  function unlockAudio() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!audio && AC) { try { audio = new AC(); } catch (e) { audio = null; } }
  }
  function beep() {
    if (audio) {
      try {
        [0, 0.3].forEach(function (at) {
          var osc = audio.createOscillator(), gain = audio.createGain();
          osc.frequency.value = 880;
          gain.gain.value = 0.25;
          osc.connect(gain); gain.connect(audio.destination);
          osc.start(audio.currentTime + at); osc.stop(audio.currentTime + at + 0.18);
        });
      } catch (e) { /* no sound: the screen and the buzz still say it */ }
    }
    if (navigator.vibrate) { try { navigator.vibrate([200, 100, 200]); } catch (e) { /* none */ } }
  }
  function say(text) {
    el.live.textContent = text;
    if (el.speak && el.speak.checked && window.speechSynthesis) {
      try {
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
      } catch (e) { /* no speech here */ }
    }
  }
  var wakeLock = null;
  function keepAwake() {
    if (wakeLock || !navigator.wakeLock || !running) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { wakeLock = null; });
  }
  function letSleep() { if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; } }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") keepAwake();
  });

  // --- what was done -------------------------------------------------------------------------
  var easierFor = {};   // exercise id -> true once made easier (for the rest of the session)
  var records = [];     // {v: variant, sets: {setKey: true}, sides: {left|right|both: true}}
  var notes = [];
  function record(v) {
    var last = records[records.length - 1];
    if (last && last.v === v && last.open) return last;
    var r = {v: v, sets: {}, sides: {}, held: [], open: true};
    records.push(r);
    return r;
  }

  // --- the session's position ----------------------------------------------------------------
  var running = false, ex = -1, unit = 0, units = [], variant = null, current = null;
  var phase = "idle";  // "work", "hold", "rest", "done"
  var timer = null;    // {start, ms, pausedAt, pausedMs, onEnd, marks, said}
  var paused = false, ticking = null;

  function variantOf(step) {
    if (easierFor[step.id] && step.easier) {
      var e = step.easier;
      return {id: e.id, name: e.name, how: e.how, sets: e.sets, reps: e.reps, seconds: e.seconds,
              rounds: e.rounds, per_side: e.per_side, fields: e.fields, picture: e.picture,
              dose: e.dose, extra_side: e.per_side ? step.extra_side : null,
              extra_sets: e.per_side ? step.extra_sets : 0, easierOf: step.name};
    }
    return {id: step.id, name: step.name, how: step.how, sets: step.sets, reps: step.reps,
            seconds: step.seconds, rounds: step.rounds, per_side: step.per_side,
            fields: step.fields, picture: step.picture, dose: step.plan_text,
            extra_side: step.extra_side, extra_sets: step.extra_sets || 0, easierOf: null};
  }
  function unitsOf(v) {
    var out = [], total = v.rounds || v.sets || 1, sides = v.per_side ? ["left", "right"] : [null];
    for (var s = 1; s <= total; s++) {
      sides.forEach(function (side) { out.push({set: s, of: total, side: side, extra: false, key: "s" + s}); });
    }
    for (var x = 1; x <= (v.extra_side ? v.extra_sets : 0); x++) {
      out.push({set: x, of: v.extra_sets, side: v.extra_side, extra: true, key: "x" + x});
    }
    return out;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function seconds(n) { return plural(n, "second", "seconds"); }
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    return m ? m + ":" + String(s % 60).padStart(2, "0") : String(s);
  }
  function setWord(v, u) {
    var word = v.rounds ? "Round" : "Set";
    var text = u.extra ? "One more set" + (u.of > 1 ? " (" + u.set + " of " + u.of + ")" : "")
                       : word + " " + u.set + " of " + u.of;
    return text + (u.side ? " · " + u.side + " side" : "");
  }
  function targetWords(v) {
    if (v.seconds) return "Hold for " + seconds(v.seconds) + ".";
    if (v.reps) return "Do " + plural(v.reps, "rep", "reps") + ".";
    return "Do one round, then tap Done.";
  }

  function show(node, on) { node.hidden = !on; }

  function picture(v) {
    el.picture.textContent = "";
    if (!data.pictures || !v.picture) return;
    var want = v.picture;
    var img = new Image();
    img.alt = v.name + ": how it looks";
    img.className = "g-picture";
    img.width = 320; img.height = 240;
    img.onload = function () {  // only a picture that loaded: never a broken image
      if (current === v) el.picture.appendChild(img);
    };
    img.src = want;
  }

  function showExercise() {
    var step = steps[ex];
    variant = variantOf(step);
    current = variant;
    units = unitsOf(variant);
    unit = Math.min(unit, units.length - 1);
    el.count.textContent = "Exercise " + (ex + 1) + " of " + steps.length;
    el.progress.value = ex;
    el.name.textContent = variant.name;
    el.block.textContent = step.block + (variant.easierOf ? " · the easier version of " + variant.easierOf : "");
    el.cues.textContent = "";
    variant.how.forEach(function (line) {
      var li = document.createElement("li"); li.textContent = line; el.cues.appendChild(li);
    });
    show(el.easier, !!step.easier && !easierFor[step.id]);
    picture(variant);
    var media = $("g-media");  // the coach's own photos, videos and links, on the exercise page
    if (media) {
      media.hidden = !step.media;
      if (step.media) { media.firstChild.href = step.media.href; media.firstChild.textContent = step.media.text; }
    }
  }

  function showUnit(announceName) {
    var u = units[unit];
    phase = "work";
    stopTimer();
    el.prompt.textContent = setWord(variant, u);
    el.target.textContent = targetWords(variant);
    show(el.timer, !!variant.seconds);
    if (variant.seconds) el.timer.textContent = clock(variant.seconds * 1000);
    el.main.textContent = variant.seconds ? "Start the hold" : "Done";
    el.main.setAttribute("aria-label", variant.seconds
      ? "Start the hold: " + seconds(variant.seconds) : "Done with " + setWord(variant, u).replace(" · ", ", "));
    say((announceName ? variant.name + ". " : "") + setWord(variant, u).replace(" · ", ", ") + ". " + targetWords(variant));
  }

  function startExercise(i) {
    ex = i; unit = 0;
    if (ex >= steps.length) { finish(); return; }
    showExercise();
    showUnit(true);
    el.name.focus();
  }

  // --- timers: one clock, paused time left out ------------------------------------------------
  function startTimer(ms, onEnd, label) {
    stopTimer();
    timer = {start: now(), ms: ms, pausedAt: paused ? now() : null, pausedMs: 0, onEnd: onEnd,
             said: {}, label: label};
    show(el.timer, true);
    tick();
    ticking = window.setInterval(tick, 250);
  }
  function stopTimer() {
    if (ticking !== null) { window.clearInterval(ticking); ticking = null; }
    timer = null;
  }
  function left() {
    if (!timer) return 0;
    var upTo = timer.pausedAt !== null ? timer.pausedAt : now();
    return timer.ms - (upTo - timer.start - timer.pausedMs);
  }
  var MARKS = [60, 30, 10, 5];  // seconds left that are said aloud (never every second)
  function tick() {
    if (!timer) return;
    var ms = left();
    el.timer.textContent = clock(ms);
    var s = Math.ceil(ms / 1000);
    MARKS.forEach(function (m) {
      if (s <= m && s > 0 && m < timer.ms / 1000 && !timer.said[m]) {
        timer.said[m] = true;
        // only the nearest mark once several are passed at once (a phone that slept)
        if (s > m - 3) say(seconds(m) + " left.");
      }
    });
    if (ms <= 0) {
      var done = timer.onEnd;
      stopTimer();
      beep();
      done();
    }
  }

  // --- the buttons ------------------------------------------------------------------------------
  function unitDone(held) {  // held: the seconds actually held, for a timed hold
    var u = units[unit];
    var r = record(variant);
    r.sets[u.key] = true;
    r.sides[u.side || "both"] = true;
    if (held !== undefined) r.held.push(held);
    var next = unit + 1;
    if (next >= units.length) {
      r.open = false;
      startExercise(ex + 1);
      return;
    }
    var rest = units[next].key !== u.key && data.rest > 0;
    unit = next;
    if (rest) {
      phase = "rest";
      el.prompt.textContent = "Rest";
      el.target.textContent = "Next: " + setWord(variant, units[unit]) + ".";
      el.main.textContent = "Start the next set now";
      el.main.removeAttribute("aria-label");
      say("Rest for " + seconds(data.rest) + ". Next: " + setWord(variant, units[unit]).replace(" · ", ", ") + ".");
      startTimer(data.rest * 1000, function () { showUnit(false); }, "rest");
    } else {
      showUnit(false);
    }
  }

  el.main.addEventListener("click", function () {
    if (paused) return;
    unlockAudio();
    if (phase === "work" && variant.seconds) {
      phase = "hold";
      el.main.textContent = "Stop the hold early";
      el.main.removeAttribute("aria-label");
      say("Hold for " + seconds(variant.seconds) + ". Go.");
      startTimer(variant.seconds * 1000, function () {
        say("Time. " + (units[unit].side ? "Well held." : "Well done."));
        unitDone(variant.seconds);
      }, "hold");
    } else if (phase === "hold") {  // stopped early: the set counts, for the time held
      var held = timer ? Math.max(0, Math.floor((timer.ms - left()) / 1000)) : 0;
      stopTimer();
      notes.push("Held " + seconds(held) + " of " + variant.seconds + " (" + variant.name + ", "
                 + setWord(variant, units[unit]).replace(" · ", ", ").toLowerCase() + ").");
      unitDone(held);
    } else if (phase === "rest") {
      stopTimer();
      showUnit(false);
    } else if (phase === "work") {
      unitDone();
    }
  });

  el.pause.addEventListener("click", function () {
    paused = !paused;
    if (timer) {
      if (paused) timer.pausedAt = now();
      else if (timer.pausedAt !== null) { timer.pausedMs += now() - timer.pausedAt; timer.pausedAt = null; }
    }
    el.pause.textContent = paused ? "Resume" : "Pause";
    el.pause.setAttribute("aria-pressed", paused ? "true" : "false");
    el.main.disabled = paused;
    show(el.paused, paused);
    if (paused) letSleep(); else keepAwake();
    say(paused ? "Paused." : "Carrying on.");
  });

  el.easier.addEventListener("click", function () {
    var step = steps[ex];
    if (!step.easier || easierFor[step.id]) return;
    var last = records[records.length - 1];
    if (last && last.open) last.open = false;
    easierFor[step.id] = true;
    notes.push("Made easier: " + step.easier.name + " instead of " + step.name + ".");
    stopTimer();
    showExercise();
    say("Switched to the easier version: " + variant.name + ".");
    showUnit(false);
    el.name.focus();
  });

  el.skip.addEventListener("click", function () {
    var step = steps[ex];
    var last = records[records.length - 1];
    if (last && last.open) last.open = false;
    var doneSome = last && last.v === variant && Object.keys(last.sets).length;
    notes.push((doneSome ? "Stopped early: " : "Skipped: ") + variant.name + ".");
    stopTimer();
    say("Skipped " + step.name + ".");
    startExercise(ex + 1);
  });

  el.start.addEventListener("click", function () {
    unlockAudio();
    running = true;
    keepAwake();
    show(el.intro, false); show(el.list, false); show(el.plainLog, false);
    show(el.run, true);
    startExercise(0);
  });

  // --- the end: fill the log form with what was done -----------------------------------------
  function hidden(name, value) {
    var i = document.createElement("input");
    i.type = "hidden"; i.name = name; i.value = String(value);
    el.fields.appendChild(i);
  }
  function finish() {
    running = false;
    phase = "done";
    stopTimer();
    letSleep();
    show(el.run, false);
    show(el.finish, true);
    el.progress.value = steps.length;
    // one log line per exercise done (the same exercise twice in a day: its sets added)
    var byId = {}, order = [];
    records.forEach(function (r) {
      var n = Object.keys(r.sets).length;
      if (!n) return;
      var got = byId[r.v.id];
      if (!got) { got = byId[r.v.id] = {v: r.v, n: 0, sides: {}, held: []}; order.push(got); }
      got.n += n;
      got.held = got.held.concat(r.held);
      Object.keys(r.sides).forEach(function (s) { got.sides[s] = true; });
    });
    el.summary.textContent = "";
    el.fields.textContent = "";
    order.forEach(function (g, i) {
      var v = g.v;
      // a hold logs the seconds held (their mean over the sets, when one was stopped early)
      var secs = g.held.length ? Math.round(g.held.reduce(function (a, b) { return a + b; }, 0)
                                            / g.held.length) : v.seconds;
      var side = v.per_side ? ((g.sides.left && g.sides.right) || g.sides.both ? "both"
                                : g.sides.left ? "left" : "right") : "both";
      hidden("ex" + i + "_id", v.id);
      hidden("ex" + i + "_done", "on");
      hidden("ex" + i + "_side", side);
      v.fields.forEach(function (f) {
        if (f === "sets") hidden("ex" + i + "_sets", g.n);
        else if (f === "rounds") hidden("ex" + i + "_rounds", g.n);
        else if (f === "reps" && v.reps) hidden("ex" + i + "_reps", v.reps);
        else if (f === "seconds" && v.seconds) hidden("ex" + i + "_seconds", secs);
      });
      var li = document.createElement("li");
      var what = v.rounds ? plural(g.n, "round", "rounds")
        : plural(g.n, "set", "sets") + (v.reps ? " of " + plural(v.reps, "rep", "reps")
                                            : v.seconds ? " of " + secs + " s" : "");
      li.textContent = v.name + ": " + what + (v.per_side ? (side === "both" ? ", each side" : ", " + side + " side") : "")
        + (v.easierOf ? " (easier version)" : "");
      el.summary.appendChild(li);
    });
    notes.forEach(function (n) {
      var li = document.createElement("li"); li.textContent = n; el.summary.appendChild(li);
    });
    el.notes.value = notes.length ? "Guided session. " + notes.join(" ") : "Guided session.";
    show(el.nothing, order.length === 0);
    el.save.disabled = order.length === 0;
    say("All done. Tap how much it hurt, and how hard it was, then save.");
    $("g-finish-title").focus();
  }

  el.finish.addEventListener("change", function (event) {
    var t = event.target;
    if (t instanceof HTMLInputElement && t.name === "pain_during") {
      $("e-pain_during").hidden = true;
      $("f-pain_during").classList.remove("has-error");
    }
  });

  el.finish.addEventListener("submit", function (event) {
    var chosen = el.finish.querySelector("input[name=pain_during]:checked");
    var err = $("e-pain_during");
    if (!chosen) {
      event.preventDefault();
      err.textContent = "Tap how much it hurt during the session (0 if not at all).";
      err.hidden = false;
      $("f-pain_during").classList.add("has-error");
      var first = el.finish.querySelector("input[name=pain_during]");
      if (first) first.focus();
      say(err.textContent);
    }
  });
})();
