// AkkaFakeUsers dashboard. Polls the node's JSON API, computes current rates from successive counts, renders with
// text nodes only (post texts are model output: never parsed as HTML). Triggers POST with the page's CSRF token.
"use strict";

(() => {
  const csrf = document.querySelector('meta[name="afu-csrf"]').content;
  const $ = (id) => document.getElementById(id);
  const samples = []; // { t, posts, views, likes, comments, hides, slates }
  const windowMs = 60_000, chartMs = 300_000;
  let lastPostsAt = 0;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function set(id, value) { const e = $(id); if (e) e.textContent = value; }
  const num = (n) => (n == null ? "–" : Number(n).toLocaleString("en-US"));
  const fix = (n, d = 1) => (n == null || Number.isNaN(n) ? "–" : Number(n).toFixed(d));

  async function api(path, options) {
    const r = await fetch("/api/" + path, Object.assign({ credentials: "same-origin", headers: { "Accept": "application/json" } }, options || {}));
    if (r.status === 401) { location.href = "/login"; throw new Error("log in first"); }
    const body = await r.json().catch(() => ({ error: "the node answered " + r.status }));
    if (!r.ok && !("ok" in body)) throw new Error(body.error || ("HTTP " + r.status));
    return body;
  }

  async function trigger(path, payload) {
    const msg = $("message");
    msg.className = "muted";
    msg.textContent = "…";
    try {
      const body = await api(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-AFU-CSRF": csrf },
        body: JSON.stringify(payload || {}),
      });
      msg.className = body.ok ? "ok" : "error";
      msg.textContent = body.message || body.error || "";
      refresh();
      return body;
    } catch (e) {
      msg.className = "error";
      msg.textContent = e.message;
      return null;
    }
  }

  // ---- rates: counts now vs. the sample about a minute ago
  function rate(key) {
    if (samples.length < 2) return null;
    const last = samples[samples.length - 1];
    let first = samples[0];
    for (const s of samples) if (last.t - s.t <= windowMs) { first = s; break; }
    const dt = (last.t - first.t) / 60000;
    return dt > 0 ? (last[key] - first[key]) / dt : null;
  }

  function drawChart() {
    const c = $("rates-chart");
    const g = c.getContext("2d");
    const w = c.width, h = c.height;
    g.clearRect(0, 0, w, h);
    const series = { posts: "#2563eb", views: "#10b981", likes: "#f59e0b", comments: "#ef4444" };
    // per-minute rate between consecutive samples (smoothed over 10 s)
    const points = {};
    let max = 1;
    for (const k of Object.keys(series)) {
      points[k] = [];
      for (let i = 1; i < samples.length; i++) {
        let j = i - 1;
        while (j > 0 && samples[i].t - samples[j].t < 10_000) j--;
        const dt = (samples[i].t - samples[j].t) / 60000;
        if (dt <= 0) continue;
        const v = (samples[i][k] - samples[j][k]) / dt;
        points[k].push([samples[i].t, v]);
        max = Math.max(max, v);
      }
    }
    const now = Date.now();
    // the x axis spans the history so far (at least 30 s), up to the last 5 minutes
    const span = Math.min(chartMs, Math.max(30_000, samples.length ? now - samples[0].t : 0));
    g.strokeStyle = "#e5e7eb"; g.fillStyle = "#6b7280"; g.font = "11px sans-serif";
    for (let i = 0; i <= 4; i++) {
      const y = h - 16 - (h - 26) * i / 4;
      g.beginPath(); g.moveTo(40, y); g.lineTo(w, y); g.stroke();
      g.fillText(Math.round(max * i / 4).toString(), 2, y + 4);
    }
    for (const [k, color] of Object.entries(series)) {
      g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
      points[k].forEach(([t, v], i) => {
        const x = 40 + (w - 40) * (1 - (now - t) / span);
        const y = h - 16 - (h - 26) * v / max;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }
  }

  function renderOverview(o) {
    const s = o.status;
    const now = Date.now();
    samples.push({ t: now, posts: s.posts, views: s.views, likes: s.likes, comments: s.comments, hides: s.hides, slates: s.slates });
    while (samples.length > 2 && now - samples[0].t > chartMs) samples.shift();

    const state = $("state");
    state.textContent = s.paused ? "paused" : "running";
    state.className = "pill " + (s.paused ? "paused" : "running");
    set("updated", "updated " + new Date().toLocaleTimeString());
    set("population", num(s.target));
    set("population-detail", `${s.usersInCluster == null ? "?" : num(s.usersInCluster)} running in the cluster, ${num(s.usersRunning)} on this node${s.clock && s.clock.asleep ? ` and ${num(s.clock.asleep)} asleep` : ""} · seed ${s.seed}`);
    const c = s.clock;
    set("clock-scale", c ? c.text : "?");
    set("clock-detail", c
      ? `${c.simulatedText} simulated${c.endText ? " of " + c.endText : ""} · now ${c.now.replace("T", " ").slice(0, 19)}` +
        (c.heldBy ? ` · held by ${c.heldBy}` : "") + (c.finished ? " · reached the end of the run" : "")
      : "the clock did not answer");
    for (const k of ["posts", "views", "likes", "comments", "hides", "slates"]) {
      set(k + "-total", num(s[k]));
      set(k + "-rate", fix(rate(k)));
    }
    set("lag", num(s.projectionLag));
    const scale = $("scale-input");
    if (document.activeElement !== scale && !scale.value) scale.value = s.target;

    const l = o.llm;
    if (l) {
      set("llm-primary", `${l.primary} (${l.model})`);
      set("llm-p50", fix(l.latencyP50Ms)); set("llm-p95", fix(l.latencyP95Ms));
      set("llm-success", l.successRate == null ? "undefined: nothing asked yet" : (l.successRate * 100).toFixed(1) + "% of " + num(l.successes + l.failures) + " attempts");
      const reasons = Object.entries(l.fallbacksByReason || {}).map(([r, n]) => `${r} ${n}`).join(", ");
      set("fallbacks", num(l.fallbacks) + (reasons ? ` (${reasons})` : ""));
      set("breaker", l.breaker);
      set("llm-queue", num(l.queueDepth)); set("llm-inflight", num(l.inFlight));
    } else set("llm-primary", "the gateway did not answer");

    const bars = $("interest-balance");
    const entries = Object.entries(o.interests || {});
    const total = Math.max(1, ...entries.map(([, n]) => n));
    bars.replaceChildren(...entries.map(([name, n]) => {
      const fill = el("div", { class: "fill" });
      fill.style.width = (100 * n / total) + "%";
      return el("div", { class: "bar", "data-interest": name }, el("span", { text: name }), el("div", {}, fill), el("span", { class: "count", text: num(n) }));
    }));

    $("nodes").replaceChildren(...o.cluster.members.map(m =>
      el("li", { class: "node" }, el("span", { class: "tag", text: m.status }), m.address, m.address === o.cluster.self ? " (this node)" : "",
        m.address === o.cluster.leader ? " · leader" : "")));
    set("feed-policy", o.feed ? `feed: ${o.feed.policy}; pool ${num(o.feed.pool)} posts; ${num(o.feed.slates)} slates served here` : "");
    drawChart();
  }

  function userLink(id, name) {
    const a = el("a", { href: "#/user/" + encodeURIComponent(name || id), text: name || id });
    return a;
  }

  function renderPost(p) {
    const comments = el("ul", { class: "comments" }, ...p.comments.map(c =>
      el("li", { class: "comment", "data-depth": c.depth }, userLink(c.userId, c.username), ": ", c.content)));
    return el("li", { class: "post", "data-id": p.id },
      el("div", { class: "post-head" }, userLink(p.authorId, p.author), " · ", el("span", { class: "tag", text: p.interest + "/" + p.subtopic }),
        new Date(p.createdAt).toLocaleString(), " · ", p.generatedBy),
      el("p", { class: "post-text", text: p.content }),
      p.comments.length ? comments : null);
  }

  async function refreshPosts() {
    const posts = await api("posts?limit=20");
    $("posts-list").replaceChildren(...posts.map(renderPost));
  }

  async function showUser(name) {
    $("overview-page").hidden = true;
    $("user-page").hidden = false;
    set("user-name", name);
    try {
      const u = await api("user?name=" + encodeURIComponent(name));
      if (u.error) throw new Error(u.error);
      const p = u.profile;
      set("user-name", p ? `${p.username} (${u.id}) · ${p.displayName}` : `${u.id}${u.inPopulation ? " (not created yet)" : " (retired: not in the population)"}`);
      set("user-bio", p ? p.bio : "");
      const rows = p ? [
        ["interests", p.interests.map(i => `${i.interest} ${i.weight.toFixed(2)} [${i.subtopics.join(", ")}]`).join("; ")],
        ["persona", `${p.persona.tone}, emoji ${p.persona.emojiRate.toFixed(2)}, hashtags ${p.persona.hashtagRate.toFixed(2)}, activity x${p.activityFactor.toFixed(2)}`],
        ["counters", u.counters ? `posts ${u.counters.posts}, slates ${u.counters.slates}, views ${u.counters.views}, likes ${u.counters.likes}, comments ${u.counters.comments}, hides ${u.counters.hides}` : "–"],
        ["paused", u.paused ? "yes" : "no"],
      ] : [];
      $("user-profile").replaceChildren(...rows.map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { text: v, "data-key": k }))));
      $("user-posts").replaceChildren(...u.posts.map(renderPost));
      $("user-reactions").replaceChildren(...u.reactions.map(r =>
        el("li", { class: "reaction" }, el("span", { class: "tag", text: r.type }), r.postId, ` · match ${r.score.toFixed(2)}`, r.content ? ` · “${r.content}”` : "")));
      $("btn-user-post").onclick = () => trigger("post", { name: u.id }).then(() => setTimeout(() => showUser(name), 1500));
    } catch (e) {
      set("user-bio", e.message);
    }
  }

  function route() {
    const m = location.hash.match(/^#\/user\/(.+)$/);
    if (m) showUser(decodeURIComponent(m[1]));
    else { $("user-page").hidden = true; $("overview-page").hidden = false; }
  }

  async function refresh() {
    try {
      renderOverview(await api("overview"));
      if (Date.now() - lastPostsAt > 4000) { lastPostsAt = Date.now(); await refreshPosts(); }
    } catch (e) {
      const state = $("state");
      state.textContent = "node not answering";
      state.className = "pill down";
      set("updated", e.message);
    }
  }

  $("btn-pause").addEventListener("click", () => trigger("pause"));
  $("btn-resume").addEventListener("click", () => trigger("resume"));
  $("btn-scale").addEventListener("click", () => trigger("scale", { count: Number($("scale-input").value) }));
  $("btn-post").addEventListener("click", () => trigger("post", { name: $("post-input").value.trim() }).then(() => { lastPostsAt = 0; }));
  window.addEventListener("hashchange", route);
  route();
  refresh();
  setInterval(refresh, 2000);
})();
