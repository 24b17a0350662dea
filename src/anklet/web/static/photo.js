/* Anklet: the knee-to-wall angle from a side photo, in the browser.
 *
 * Two parts:
 *
 * 1. The geometry, a line-for-line mirror of anklet.domain.photo (shank_angle, read_leg and
 *    its six checks, with the same words and numbers), so the angle and the checks follow a
 *    point as it is dragged. The server never takes the browser's word for it: saving sends
 *    the points and the server reads them again with the Python code. A browser test runs
 *    both on the same points and fails if they ever differ. The tolerances come from the
 *    page (the Python module's constants); the few rounding allowances that are private to
 *    the Python module are repeated here, marked "as in domain/photo.py".
 *
 * 2. The page: the photo in an SVG with the points on it. Any point can be dragged (mouse,
 *    touch or pen: pointer events), moved with the arrow keys once focused, or placed by
 *    tapping the photo in order. Every change redraws the lines and the angle, updates the
 *    checks and fills the hidden fields the save form sends.
 *
 * Vanilla JavaScript, no library, nothing fetched.
 */
(function () {
  "use strict";

  // --- the geometry (mirror of anklet.domain.photo) -------------------------------------

  var EPS = 1e-9;        // as in domain/photo.py (_EPS)
  var TINY = 1e-9;       // as in domain/photo.py: a shank or foot shorter than this has no length
  var ROUNDING = 1e-12;  // as in domain/photo.py (_down, _up, _pct)
  var POINTS = ["knee", "ankle", "heel", "toe"];

  var DEFAULTS = {
    minVisibility: 0.5, footToShank: 0.152 / 0.246, minFootToShank: 0.55,
    maxHeelTilt: 4.5, minFloorSpan: 0.5, degreesPerCm: 3.6,
    minLungeAngle: 15, maxLungeAngle: 65, minKneeFlexion: 30
  };

  function sub(a, b) { return [a.x - b.x, a.y - b.y]; }
  function dot(u, v) { return u[0] * v[0] + u[1] * v[1]; }
  function len(v) { return Math.hypot(v[0], v[1]); }
  function unit(v) { var n = len(v); return [v[0] / n, v[1] / n]; }
  function degrees(r) { return r * 180 / Math.PI; }
  function vis(p) { return p.v === undefined || p.v === null ? 1.0 : p.v; }

  function upOf(floor) {
    // the unit perpendicular to a unit floor direction that points to the top of the image
    var fx = floor[0], fy = floor[1];
    var up = [fy, -fx];
    return (up[1] < 0 || (up[1] === 0 && up[0] >= 0)) ? up : [-fy, fx];
  }

  function fixed(x, digits) {
    // Python's f"{x:.Nf}" (toFixed differs only on exact binary ties, which measured points never hit)
    var s = x.toFixed(digits);
    return (x < 0 && Number(s) === 0) ? "-" + s : s;
  }
  function down(x, digits) { var f = Math.pow(10, digits); return fixed(Math.floor(x * f + ROUNDING) / f, digits); }
  function roundUp(x, digits) { var f = Math.pow(10, digits); return fixed(Math.ceil(x * f - ROUNDING) / f, digits); }
  function pct(v) { return Math.floor(v * 100 + ROUNDING) + "%"; }
  function and(words) {
    return words.length === 1 ? words[0] : words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }
  function finite(x) { return typeof x === "number" && isFinite(x); }
  function other(side) { return side === "left" ? "right" : "left"; }

  function r2(x) { return Math.round(x * 100) / 100; }  // the hidden fields carry 1/100 px

  function LegError(field, message) { this.field = field; this.message = message; }

  function legChecked(leg) {
    POINTS.forEach(function (name) {
      var p = leg[name];
      if (!(p && finite(p.x) && finite(p.y) && finite(vis(p)))) {
        throw new LegError(name, "Place the " + name + " point on the photo.");
      }
    });
    if (len(sub(leg.knee, leg.ankle)) < TINY) {
      throw new LegError("knee", "The knee point sits on the ankle point: move one of them.");
    }
    if (len(sub(leg.toe, leg.heel)) < TINY) {
      throw new LegError("toe", "The toe point sits on the heel point: move one of them.");
    }
  }

  function shankAngle(leg) {
    legChecked(leg);
    var floor = unit(sub(leg.toe, leg.heel));
    var up = upOf(floor);
    var shank = sub(leg.knee, leg.ankle);
    return {
      angle: degrees(Math.atan2(dot(shank, floor), dot(shank, up))),
      roll: degrees(Math.atan2(up[0], -up[1])),
      floor: floor, up: up
    };
  }

  function visible(leg, c) {
    var unclear = POINTS.filter(function (n) { return !(vis(leg[n]) >= c.minVisibility); });
    var need = pct(c.minVisibility);
    if (!unclear.length) {
      var least = Math.min.apply(null, POINTS.map(function (n) { return vis(leg[n]); }));
      return { name: "visible", passed: true,
        message: "The knee, ankle, heel and toe are all clearly visible (the least clear is " +
          pct(least) + " sure; we need " + need + ")." };
    }
    var names = and(unclear);
    var sure = and(unclear.map(function (n) { return pct(vis(leg[n])); }));
    var verb = unclear.length === 1 ? "is" : "are";
    return { name: "visible", passed: false,
      message: "The " + names + " " + verb + " not clearly visible (the model is only " + sure +
        " sure; we need " + need + "). Make sure the whole lower leg and foot are in the " +
        "picture and nothing covers them, or place the points by hand." };
  }

  function sideOn(leg, c) {
    var ratio = len(sub(leg.toe, leg.heel)) / len(sub(leg.knee, leg.ankle));
    var usual = fixed(c.footToShank, 2), least = fixed(c.minFootToShank, 2);
    if (ratio >= c.minFootToShank - EPS) {
      return { name: "side_on", passed: true,
        message: "The camera looks side-on: the foot is " + fixed(ratio, 2) + " times the " +
          "shank's length in the picture (side-on it is about " + usual + "; we need at least " +
          least + ")." };
    }
    return { name: "side_on", passed: false,
      message: "The camera does not look side-on: the foot is only " + down(ratio, 2) +
        " times the shank's length in the picture, where side-on it is about " + usual +
        " (we need at least " + least + "). Take the photo from straight to the side, level " +
        "with the ankle." };
  }

  function heelDown(leg, floor, c) {
    var ask = "Check by eye that the heel stays flat on the floor, or place the back foot's " +
      "toe so it can be checked.";
    if (!floor) {
      return { name: "heel_down", passed: null,
        message: "We could not check that the heel stays down: there is no point on the floor " +
          "away from this foot. " + ask };
    }
    if (!(finite(floor.x) && finite(floor.y))) {
      throw new LegError("back_toe", "Place the back toe point on the photo, or remove it.");
    }
    if (vis(floor) < c.minVisibility) {
      return { name: "heel_down", passed: null,
        message: "We could not check that the heel stays down: the other foot's toe is not " +
          "clear enough to mark the floor (the model is only " + pct(vis(floor)) + " sure; we " +
          "need " + pct(c.minVisibility) + "). " + ask };
    }
    var foot = sub(leg.toe, leg.heel);
    var length = len(foot);
    var line = sub(leg.toe, floor);
    var span = len(line);
    if (span < c.minFloorSpan * length - EPS) {
      return { name: "heel_down", passed: null,
        message: "We could not check that the heel stays down: the floor point is only " +
          fixed(span / length, 1) + " foot lengths from the toe (we need at least " +
          fixed(c.minFloorSpan, 1) + "). " + ask };
    }
    var ground = unit(line);
    if (dot(ground, foot) < 0) { ground = [-ground[0], -ground[1]]; }
    var up = upOf(ground);
    var tilt = degrees(Math.atan2(-dot(foot, up), dot(foot, ground)));  // + : heel above
    var limit = fixed(c.maxHeelTilt, 1) + "°";
    if (Math.abs(tilt) <= c.maxHeelTilt + EPS) {
      return { name: "heel_down", passed: true,
        message: "The heel is down: the foot sits " + fixed(Math.abs(tilt), 1) + "° off the " +
          "floor line (we allow up to " + limit + ")." };
    }
    if (tilt > 0) {
      return { name: "heel_down", passed: false,
        message: "The heel is lifted: the foot is tilted " + roundUp(tilt, 1) + "° off the floor " +
          "line, and it must stay flat (we allow up to " + limit + "). Move the foot a little " +
          "nearer the wall and keep the heel pressed down." };
    }
    return { name: "heel_down", passed: false,
      message: "The foot is not flat: the toe sits " + roundUp(-tilt, 1) + "° above the floor " +
        "line (we allow up to " + limit + "). Check the heel and toe points sit where the foot " +
        "touches the floor." };
  }

  function frontLeg(side, leg, otherToe, c) {
    if (!otherToe) {
      return { name: "front_leg", passed: null,
        message: "We could not check that the other foot is behind the " + side + " one: only " +
          "the " + side + " leg's points are known. Make sure the " + side + " foot is the one " +
          "nearer the wall." };
    }
    if (!(finite(otherToe.x) && finite(otherToe.y))) {
      throw new LegError("back_toe", "Place the back toe point on the photo, or remove it.");
    }
    if (vis(otherToe) < c.minVisibility) {
      return { name: "front_leg", passed: null,
        message: "We could not check that the other foot is behind the " + side + " one: the " +
          "other foot's toe is not clear enough (the model is only " + pct(vis(otherToe)) +
          " sure; we need " + pct(c.minVisibility) + "). Make sure the " + side + " foot is the " +
          "one nearer the wall." };
    }
    var foot = sub(leg.toe, leg.heel);
    var length = len(foot);
    var behind = dot(sub(leg.heel, otherToe), unit(foot)) / length;  // in foot lengths
    if (behind > EPS) {
      var how = behind < 0.05 ? "just" : fixed(behind, 1) + " foot lengths";  // as in domain/photo.py
      return { name: "front_leg", passed: true,
        message: "The " + side + " leg is in front: the other foot's toe is " + how + " behind " +
          "its heel." };
    }
    var where = behind >= -0.05 ? "level with" : fixed(-behind, 1) + " foot lengths ahead of";
    return { name: "front_leg", passed: false,
      message: "The other foot is not behind the " + side + " one: its toe is " + where + " the " +
        side + " heel, so this does not look like a knee-to-wall lunge. Step the other foot " +
        "back, with the " + side + " foot forward near the wall, or choose the " + other(side) +
        " side if that is the front leg." };
  }

  function kneeForward(angle, c) {
    var accepted = c.minLungeAngle + "° to " + c.maxLungeAngle + "°";
    if (angle <= EPS) {
      return { name: "knee_forward", passed: false,
        message: "The front knee is not ahead of the ankle (the shin leans " +
          fixed(Math.abs(angle), 1) + "° " + (angle < 0 ? "back" : "neither way") + "): this " +
          "does not look like a knee-to-wall lunge. In the test the knee goes forward over the " +
          "toes toward the wall." };
    }
    if (angle < c.minLungeAngle - EPS) {
      return { name: "knee_forward", passed: false,
        message: "The shin leans only " + down(angle, 1) + "° forward: that is standing or " +
          "walking, not a knee-to-wall lunge (a lunge reads " + accepted + "). Bend the front " +
          "knee toward the wall as far as it goes with the heel down." };
    }
    if (angle > c.maxLungeAngle + EPS) {
      return { name: "knee_forward", passed: false,
        message: "The shin leans " + roundUp(angle, 1) + "° forward, more than a knee-to-wall " +
          "lunge can with the heel down (we accept " + accepted + "). Check the knee and ankle " +
          "points." };
    }
    return { name: "knee_forward", passed: true,
      message: "The front knee is ahead of the ankle: the shin leans " + fixed(angle, 1) +
        "° forward (a lunge reads " + accepted + ")." };
  }

  function kneeBent(leg, hip, c) {
    var need = c.minKneeFlexion + "°";
    if (!hip) {
      return { name: "knee_bent", passed: null,
        message: "We could not check that the front knee is bent: the hip is not marked. In the " +
          "test the front knee bends toward the wall." };
    }
    if (vis(hip) < c.minVisibility) {
      return { name: "knee_bent", passed: null,
        message: "We could not check that the front knee is bent: the hip is not clear enough " +
          "(the model is only " + pct(vis(hip)) + " sure; we need " + pct(c.minVisibility) + ")." };
    }
    var thigh = sub(hip, leg.knee), shank = sub(leg.ankle, leg.knee);
    if (len(thigh) < TINY) {
      throw new LegError("knee", "The knee point sits on the hip: move the knee point.");
    }
    var cos = Math.max(-1, Math.min(1, dot(unit(thigh), unit(shank))));
    var bend = 180 - degrees(Math.acos(cos));
    if (bend >= c.minKneeFlexion - EPS) {
      return { name: "knee_bent", passed: true,
        message: "The front knee is bent " + fixed(bend, 0) + "° (a lunge bends it at least " +
          need + ")." };
    }
    return { name: "knee_bent", passed: false,
      message: "The front knee is nearly straight (bent only " + down(bend, 1) + "°; a lunge " +
        "bends it at least " + need + "): this does not look like a knee-to-wall lunge." };
  }

  /* read_leg(side, leg, floor=back_toe, other=<the back leg, of which only the toe is used>):
   * {angle, cm, roll, checks: [{name, passed, message}], ok} or {error, field} for points
   * that make no leg. */
  function readLeg(side, leg, backToe, constants, hip) {
    var c = constants || DEFAULTS;
    try {
      var a = shankAngle(leg);
      var checks = [visible(leg, c), sideOn(leg, c), kneeForward(a.angle, c),
                    kneeBent(leg, hip || null, c), heelDown(leg, backToe || null, c),
                    frontLeg(side, leg, backToe || null, c)];
      return {
        angle: a.angle, cm: a.angle / c.degreesPerCm, roll: a.roll, floor: a.floor, up: a.up,
        checks: checks,
        ok: checks.every(function (k) { return k.passed !== false; })
      };
    } catch (e) {
      if (e instanceof LegError) { return { error: e.message, field: e.field }; }
      throw e;
    }
  }

  window.AnkletPhoto = { readLeg: readLeg, shankAngle: shankAngle, DEFAULTS: DEFAULTS };

  // --- the upload form: the size limit before anything is sent ---------------------------

  function megabytes(n) { return (n / (1024 * 1024)).toFixed(0) + " MB"; }

  function setUpUpload(form) {
    var input = form.querySelector("input[type=file]");
    var note = form.querySelector("[data-file-error]");
    if (!input || !note) { return; }
    var limit = Number(form.getAttribute("data-max-bytes"));
    // what the server may take: photos, and videos (it says itself when a video cannot be used)
    var VIDEO = /^video\/(mp4|quicktime|webm|x-msvideo|avi|msvideo|x-m4v)$/;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var message = "";
      if (file && limit && file.size > limit && VIDEO.test(file.type)) {
        message = "This video is " + (file.size / (1024 * 1024)).toFixed(1) + " MB; videos up to " + megabytes(limit) +
          " are accepted. A few seconds of the lunge is plenty: trim it, or film a shorter one.";
      } else if (file && limit && file.size > limit) {
        message = "This file is " + (file.size / (1024 * 1024)).toFixed(1) + " MB; photos up to " + megabytes(limit) +
          " are accepted. Your phone's normal camera size is fine.";
      } else if (file && file.type && !/^image\/(jpeg|png|webp)$/.test(file.type) && !VIDEO.test(file.type)) {
        message = "This is not a JPEG, PNG or WebP photo, nor an MP4, MOV, WebM or AVI video.";
      }
      input.setCustomValidity(message);
      note.textContent = message;
      note.hidden = !message;
      if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
    form.addEventListener("submit", function (e) {
      // the form has novalidate (the server's messages show in place): hold back a file
      // that is refused anyway, rather than send 15 MB or more to hear it
      if (input.validationMessage) {
        e.preventDefault();
        note.hidden = false;
        input.focus();
        return;
      }
      // a video takes a few seconds to look through: say so while it is sent and read
      var file = input.files && input.files[0];
      if (file && button && VIDEO.test(file.type)) {
        button.textContent = button.getAttribute("data-busy-video");
        form.setAttribute("aria-busy", "true");
      }
    });
    var button = form.querySelector("[data-busy-video]");
    var idle = button ? button.textContent : "";
    window.addEventListener("pageshow", function () {  // back to this page: ready again
      if (button) { button.textContent = idle; }
      form.removeAttribute("aria-busy");
    });
  }

  // --- the measuring page -------------------------------------------------------------------

  var SVGNS = "http://www.w3.org/2000/svg";
  var LABELS = { knee: "Knee", ankle: "Ankle", heel: "Heel", toe: "Toe", back_toe: "Back toe" };
  var ORDER = ["knee", "ankle", "heel", "toe", "back_toe"];
  var LABEL_SIDE = { knee: 1, ankle: 1, heel: -1, toe: 1, back_toe: -1 };
  var PROMPTS = {
    knee: "Tap the middle of the knee (the side of the knee joint).",
    ankle: "Tap the ankle: the bony bump on the outside of the ankle.",
    heel: "Tap the back of the heel, where it meets the floor.",
    toe: "Tap the tip of the front foot, where it meets the floor.",
    back_toe: "Tap the tip of the back foot (optional: it lets us check the heel stays down)."
  };

  function svgEl(name, attrs) {
    var el = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function Measure(root, data) {
    this.root = root;
    this.data = data;
    this.side = data.side;
    this.w = data.width;
    this.h = data.height;
    this.c = data.constants || DEFAULTS;
    this.points = {};
    var self = this;
    ORDER.forEach(function (n) {
      var p = data.points[n];
      self.points[n] = p ? { x: p.x, y: p.y, v: p.v } : null;
    });
    // the hip is never dragged: the model's, kept for the knee-bend check until the
    // points are placed again by hand
    this.hip = data.points.hip ? { x: data.points.hip.x, y: data.points.hip.y, v: data.points.hip.v } : null;
    this.placing = [];
    this.svg = root.querySelector("svg.photo-svg");
    this.form = root.querySelector("form.photo-save");
    this.prompt = root.querySelector("[data-prompt]");
    this.promptText = root.querySelector("[data-prompt-text]");
    this.skipButton = root.querySelector("[data-skip]");
    Array.prototype.slice.call(root.querySelectorAll("[data-js]")).forEach(function (el) {
      el.hidden = false;
    });
    this.build();
    this.bind();
    if (data.mode === "hand" && !data.kept) {
      this.startPlacing();
    } else {
      this.update();
    }
  }

  Measure.prototype.build = function () {
    var svg = this.svg;
    // the server drew the points and lines for a page without scripts: redraw them here
    Array.prototype.slice.call(svg.querySelectorAll("[data-static]")).forEach(function (el) {
      el.parentNode.removeChild(el);
    });
    var g = svgEl("g", { "class": "overlay" });
    this.els = {
      floorLine: svgEl("line", { "class": "guide" }),
      backLine: svgEl("line", { "class": "guide dashed" }),
      upLine: svgEl("line", { "class": "guide dashed" }),
      arc: svgEl("path", { "class": "arc" }),
      heelLine: svgEl("line", { "class": "limb thin" }),
      footLine: svgEl("line", { "class": "limb" }),
      shankLine: svgEl("line", { "class": "limb thick" }),
      label: svgEl("text", { "class": "angle-label", "text-anchor": "middle", "dominant-baseline": "middle" })
    };
    var els = this.els;
    ["floorLine", "backLine", "upLine", "arc", "heelLine", "footLine", "shankLine", "label"].forEach(function (k) {
      g.appendChild(els[k]);
    });
    svg.appendChild(g);
    this.handles = {};
    var self = this;
    ORDER.forEach(function (n) {
      var h = svgEl("g", { "class": "handle", "data-point": n, tabindex: "0", role: "button",
        "aria-label": LABELS[n] + " point: drag it, or use the arrow keys" });
      var hit = svgEl("circle", { "class": "hit", r: "10" });
      var ring = svgEl("circle", { "class": "ring", r: "6" });
      var dot = svgEl("circle", { "class": "dot", r: "3" });
      var text = svgEl("text", { "class": "point-label" });
      text.textContent = LABELS[n];
      h.appendChild(hit); h.appendChild(ring); h.appendChild(dot); h.appendChild(text);
      svg.appendChild(h);
      self.handles[n] = h;
    });
  };

  Measure.prototype.scale = function () {
    // image pixels per screen pixel: handles and labels keep their size on any screen
    var box = this.svg.getBoundingClientRect();
    if (!box.width || !box.height) { return 1; }
    return Math.max(this.w / box.width, this.h / box.height);
  };

  Measure.prototype.toImage = function (event) {
    var m = this.svg.getScreenCTM();
    if (!m) { return null; }
    var pt = this.svg.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var p = pt.matrixTransform(m.inverse());
    return this.clamp(p.x, p.y);
  };

  Measure.prototype.clamp = function (x, y) {
    // inside the photo, to the 1/100 px the form sends: the page reads what the server will
    return { x: r2(Math.min(this.w, Math.max(0, x))), y: r2(Math.min(this.h, Math.max(0, y))) };
  };

  Measure.prototype.bind = function () {
    var self = this;
    var dragging = null;
    ORDER.forEach(function (n) {
      var h = self.handles[n];
      h.addEventListener("pointerdown", function (e) {
        if (e.button !== undefined && e.button !== 0) { return; }
        e.preventDefault();
        e.stopPropagation();
        dragging = { name: n, id: e.pointerId };
        h.classList.add("dragging");
        if (h.setPointerCapture) { try { h.setPointerCapture(e.pointerId); } catch (err) { /* no capture */ } }
        h.focus({ preventScroll: true });
      });
      h.addEventListener("pointermove", function (e) {
        if (!dragging || dragging.name !== n || dragging.id !== e.pointerId) { return; }
        e.preventDefault();
        var p = self.toImage(e);
        if (p) { self.move(n, p); }
      });
      var end = function (e) {
        if (!dragging || dragging.name !== n) { return; }
        // a point pressed and let go is one a person has looked at: it counts as placed
        var p = self.points[n];
        if (p) { p.v = 1.0; }
        dragging = null;
        h.classList.remove("dragging");
        if (h.releasePointerCapture) { try { h.releasePointerCapture(e.pointerId); } catch (err) { /* gone */ } }
        self.update();
      };
      // touch-action is not honoured on SVG shapes by every browser: keep the page from
      // scrolling under a finger that drags a point
      var still = function (e) { if (e.cancelable) { e.preventDefault(); } };
      h.addEventListener("touchstart", still, { passive: false });
      h.addEventListener("touchmove", still, { passive: false });
      h.addEventListener("pointerup", end);
      h.addEventListener("pointercancel", end);
      h.addEventListener("click", function (e) { e.stopPropagation(); });
      h.addEventListener("keydown", function (e) {
        var step = (e.shiftKey ? 10 : 1) * Math.max(1, Math.round(self.scale()));
        var d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
        var p = self.points[n];
        if (!d || !p) { return; }
        e.preventDefault();
        self.move(n, self.clamp(p.x + d[0], p.y + d[1]));
      });
    });
    // tapping the photo places the next point while placing by hand
    this.svg.addEventListener("click", function (e) {
      if (!self.placing.length) { return; }
      var p = self.toImage(e);
      if (!p) { return; }
      var n = self.placing.shift();
      self.points[n] = { x: p.x, y: p.y, v: 1.0 };
      self.update();
    });
    var place = this.root.querySelector("[data-place]");
    if (place) { place.addEventListener("click", function () { self.startPlacing(); }); }
    if (this.skipButton) {
      this.skipButton.addEventListener("click", function () {
        if (self.placing[0] === "back_toe") { self.placing.shift(); self.points.back_toe = null; }
        self.update();
      });
    }
    var back = this.root.querySelector("[data-back-toe]");
    if (back) {
      this.backButton = back;
      back.addEventListener("click", function () {
        if (self.points.back_toe) {
          self.points.back_toe = null;
        } else {
          // start it behind the heel, along the floor line, where a back foot usually is
          var t = self.points.toe, hl = self.points.heel;
          var x = hl.x - (t.x - hl.x) * 1.5, y = hl.y - (t.y - hl.y) * 1.5;
          var q = self.clamp(x, y);
          self.points.back_toe = { x: q.x, y: q.y, v: 1.0 };
        }
        self.update();
      });
    }
    window.addEventListener("resize", function () { self.update(); });
    var heelBox = this.root.querySelector("input[name=heel_checked]");
    if (heelBox) { heelBox.addEventListener("change", function () { self.update(); }); }
  };

  Measure.prototype.move = function (name, p) {
    this.points[name] = { x: p.x, y: p.y, v: 1.0 };
    this.update();
  };

  Measure.prototype.startPlacing = function () {
    this.placing = ORDER.slice();
    this.hip = null;
    this.update();
  };

  Measure.prototype.setLine = function (el, a, b) {
    if (!a || !b) { el.setAttribute("visibility", "hidden"); return; }
    el.setAttribute("visibility", "visible");
    el.setAttribute("x1", a.x); el.setAttribute("y1", a.y);
    el.setAttribute("x2", b.x); el.setAttribute("y2", b.y);
  };

  Measure.prototype.leg = function () {
    var p = this.points;
    return { knee: p.knee, ankle: p.ankle, heel: p.heel, toe: p.toe };
  };

  Measure.prototype.update = function () {
    var s = this.scale();
    var p = this.points;
    var placing = this.placing.length > 0;
    var pending = {};
    this.placing.forEach(function (n) { pending[n] = true; });
    var leg = this.leg();
    var reading = placing && pending.toe ? null : readLeg(this.side, leg, p.back_toe, this.c, this.hip);
    if (reading && reading.error) { reading = { error: reading.error }; }
    var good = reading && !reading.error && reading.ok;
    this.svg.classList.toggle("is-ok", !!good);
    this.svg.classList.toggle("is-bad", !!(reading && !good));
    this.svg.classList.toggle("is-placing", placing);

    // handles
    var self = this;
    var facing = (p.toe && p.heel && p.toe.x < p.heel.x) ? -1 : 1;
    ORDER.forEach(function (n) {
      var h = self.handles[n], q = p[n];
      if (!q || pending[n]) { h.setAttribute("visibility", "hidden"); return; }
      h.setAttribute("visibility", "visible");
      h.setAttribute("transform", "translate(" + q.x + " " + q.y + ")");
      h.classList.toggle("unsure", vis(q) < self.c.minVisibility);
      h.querySelector(".hit").setAttribute("r", 22 * s);
      h.querySelector(".ring").setAttribute("r", 9 * s);
      h.querySelector(".dot").setAttribute("r", 3 * s);
      var t = h.querySelector("text");
      t.setAttribute("font-size", 13 * s);
      // labels off the leg: ahead of the knee, ankle and toe, behind the heel and back toe
      // (ahead: the way the foot points), below the heel and toe, above the rest
      // ... and flipped where that would run off the photo
      var dir = LABEL_SIDE[n] * facing;
      var wide = (LABELS[n].length * 0.62 * 13 + 12) * s;
      if (dir < 0 && q.x - wide < 0) { dir = 1; } else if (dir > 0 && q.x + wide > self.w) { dir = -1; }
      var dy = (n === "heel" || n === "toe" ? 22 : -12) * s;
      if (q.y + dy - 13 * s < 0) { dy = 22 * s; } else if (q.y + dy + 4 * s > self.h) { dy = -12 * s; }
      t.setAttribute("x", dir * 12 * s);
      t.setAttribute("y", dy);
      t.setAttribute("text-anchor", dir > 0 ? "start" : "end");
    });

    // lines: the shank, the foot, the floor line extended, the upright the angle is read from
    var e = this.els;
    var have = function (n) { return p[n] && !pending[n]; };
    this.setLine(e.shankLine, have("knee") && p.knee, have("ankle") && p.ankle);
    this.setLine(e.heelLine, have("ankle") && p.ankle, have("heel") && p.heel);
    this.setLine(e.footLine, have("heel") && p.heel, have("toe") && p.toe);
    this.setLine(e.backLine, have("toe") && p.toe, have("back_toe") && p.back_toe);
    if (reading && !reading.error) {
      var f = reading.floor, u = reading.up;
      var foot = len(sub(p.toe, p.heel)), shank = len(sub(p.knee, p.ankle));
      var ext = 0.35 * foot;
      this.setLine(e.floorLine, { x: p.heel.x - f[0] * ext, y: p.heel.y - f[1] * ext },
                   { x: p.toe.x + f[0] * ext, y: p.toe.y + f[1] * ext });
      this.setLine(e.upLine, p.ankle, { x: p.ankle.x + u[0] * shank, y: p.ankle.y + u[1] * shank });
      var r = shank / 3;
      var sh = unit(sub(p.knee, p.ankle));
      var a0 = { x: p.ankle.x + u[0] * r, y: p.ankle.y + u[1] * r };
      var a1 = { x: p.ankle.x + sh[0] * r, y: p.ankle.y + sh[1] * r };
      var cross = u[0] * sh[1] - u[1] * sh[0];
      e.arc.setAttribute("d", "M " + a0.x + " " + a0.y + " A " + r + " " + r + " 0 0 " +
        (cross > 0 ? 1 : 0) + " " + a1.x + " " + a1.y);
      e.arc.setAttribute("visibility", "visible");
      var mid = unit([u[0] + sh[0], u[1] + sh[1]]);
      if (!finite(mid[0])) { mid = [f[0], f[1]]; }
      var lr = r + 30 * s;
      var lx = Math.min(this.w - 60 * s, Math.max(60 * s, p.ankle.x + mid[0] * lr));
      var ly = Math.min(this.h - 14 * s, Math.max(14 * s, p.ankle.y + mid[1] * lr));
      e.label.setAttribute("x", lx); e.label.setAttribute("y", ly);
      e.label.setAttribute("font-size", 18 * s);
      e.label.textContent = fixed(reading.angle, 1) + "°";
      e.label.setAttribute("visibility", "visible");
    } else {
      ["floorLine", "upLine", "arc", "label"].forEach(function (k) { e[k].setAttribute("visibility", "hidden"); });
    }

    this.fillPanel(reading, placing);
    this.fillForm(placing);
  };

  Measure.prototype.fillPanel = function (reading, placing) {
    var root = this.root;
    var angle = root.querySelector("[data-angle]");
    var cm = root.querySelector("[data-cm]");
    var roll = root.querySelector("[data-roll]");
    var list = root.querySelector("[data-checks]");
    var save = root.querySelector("[data-save]");
    var why = root.querySelector("[data-save-why]");
    var next = this.placing[0];
    if (this.prompt) {
      this.prompt.hidden = !placing;
      if (placing) {
        var step = ORDER.indexOf(next) + 1;
        this.promptText.textContent = "Point " + step + " of " + (next === "back_toe" ? "5 (optional)" : "4 (and an optional 5th)") +
          ": " + PROMPTS[next];
      }
      if (this.skipButton) { this.skipButton.hidden = next !== "back_toe"; }
    }
    if (this.backButton) {
      this.backButton.textContent = this.points.back_toe ? "Remove the back toe point" : "Add the back toe point";
      this.backButton.hidden = placing;
    }
    if (!reading || reading.error) {
      angle.textContent = "—";
      cm.textContent = "";
      roll.textContent = "";
      list.innerHTML = "";
      var li = document.createElement("li");
      li.className = "check unknown";
      li.textContent = reading ? reading.error : "Place the knee, ankle, heel and toe to see the angle.";
      list.appendChild(li);
    } else {
      angle.textContent = fixed(reading.angle, 1) + "°";
      cm.textContent = "about " + fixed(reading.cm, 1) + " cm knee-to-wall";
      roll.textContent = Math.abs(reading.roll) >= 0.05
        ? "The camera was tilted " + fixed(Math.abs(reading.roll), 1) + "°; the foot line corrects for it."
        : "";
      list.innerHTML = "";
      reading.checks.forEach(function (k) {
        var item = document.createElement("li");
        var state = k.passed === true ? "ok" : (k.passed === false ? "bad" : "unknown");
        item.className = "check " + state;
        item.setAttribute("data-check", k.name);
        var mark = document.createElement("span");
        mark.className = "mark";
        mark.setAttribute("aria-hidden", "true");
        mark.textContent = state === "ok" ? "✓" : (state === "bad" ? "✗" : "?");
        var words = document.createElement("span");
        words.textContent = k.message;
        item.appendChild(mark); item.appendChild(words);
        list.appendChild(item);
      });
    }
    var blocked = placing && this.placing.indexOf("toe") >= 0;
    var ok = reading && !reading.error && reading.ok && !blocked;
    // a heel the picture cannot show needs the tick box "I checked by eye..."
    var confirm = root.querySelector("[data-heel-confirm]");
    var box = confirm ? confirm.querySelector("input[name=heel_checked]") : null;
    var heelUnknown = !!(ok && reading.checks.some(function (k) {
      return k.name === "heel_down" && k.passed === null;
    }));
    if (confirm) { confirm.hidden = !heelUnknown; }
    if (box) { box.required = heelUnknown; }
    var unconfirmed = heelUnknown && !(box && box.checked);
    if (save) { save.disabled = !ok || unconfirmed; }
    if (why) {
      why.textContent = ok ? (unconfirmed ? "Tick the box above once you have checked the heel by eye." : "")
        : (placing ? "Place the points first."
          : (reading && reading.error ? reading.error
            : "A rule of the test is broken (marked ✗ above): move the points, or take a new photo."));
      why.hidden = !!ok && !unconfirmed;
    }
  };

  Measure.prototype.fillForm = function (placing) {
    var form = this.form;
    if (!form) { return; }
    var p = this.points;
    var pending = {};
    this.placing.forEach(function (n) { pending[n] = true; });
    ORDER.forEach(function (n) {
      var q = pending[n] ? null : p[n];
      ["x", "y", "v"].forEach(function (k) {
        var input = form.querySelector("input[name=" + n + "_" + k + "]");
        if (!input) { return; }
        if (!q) { input.value = ""; return; }
        input.value = String(k === "v" ? vis(q) : q[k]);
      });
    });
    var hip = this.hip;
    ["x", "y", "v"].forEach(function (k) {
      var input = form.querySelector("input[name=hip_" + k + "]");
      if (input) { input.value = hip ? String(k === "v" ? vis(hip) : hip[k]) : ""; }
    });
  };

  function start() {
    var upload = document.querySelector("form.photo-upload");
    if (upload) { setUpUpload(upload); }
    var root = document.querySelector("[data-photo-measure]");
    var data = document.getElementById("photo-data");
    if (root && data) {
      var m = new Measure(root, JSON.parse(data.textContent));
      window.AnkletPhoto.page = m;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
