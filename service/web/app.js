// reportqa's page. Every piece of report text reaches the DOM as a text node (el() and
// textContent), never as markup: a report may contain "<script>" and must show it as text.
"use strict";

const $ = (id) => document.getElementById(id);
const FIGURE = /\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|千元|元|%|个百分点|个|人次|人|件|次|项|条|户|家|所|场|万)?/g;
const KIND_WORDS = [["决算", "部门决算"], ["预算", "部门预算"], ["自评", "绩效自评"], ["绩效", "绩效自评"]];
const STATUS_TEXT = { met: "已完成", unmet: "未完成", unknown: "无法判断" };
const SEVERITY_CLASS = { "确定": "certain", "疑似": "suspected", "提示": "note" };
const CHECK_TEXT = { inconsistent: "不一致", rounding: "舍入差异", agrees: "一致" };
const FILE_TEXT = {
  queued: "排队中", running: "入库中…", ingested: "已入库", unchanged: "未变化(已存在)",
  replaced: "已替换旧版本", rejected: "已拒绝", failed: "失败",
};

const state = { conversationId: null, reports: [], byId: new Map(), lastFocus: null, reportId: null };

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

function kindOf(report) {
  const found = KIND_WORDS.find(([word]) => report.title.includes(word));
  return found ? found[1] : "其他";
}

function where(c) {
  const parts = [c.title, c.section_path.length ? c.section_path.join(" > ") : "(无章节)"];
  if (c.page) parts.push(`第${c.page}页`);
  return parts.join(" · ");
}

// Text with every figure in a <mark>: built from text nodes, so nothing in it is markup.
function withFigures(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(FIGURE)) {
    // A year or a date is not a figure the answer states.
    if (/^[年月日号]/.test(text.slice(match.index + match[0].length))) continue;
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(el("mark", { className: "fig" }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

// ---------- server-sent events over POST ----------
async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

// ---------- ask ----------
function chips(citations, support) {
  return el("ul", { className: "chips" }, citations.map((c, i) =>
    el("li", {}, el("button", {
      type: "button", className: "chip", "data-support": support ? "yes" : "no",
      title: support ? "查看引文" : "可能相关,非依据",
      onclick: (event) => openPassage(c, support, event.currentTarget),
    }, el("span", { className: "n" }, support ? `[${i + 1}]` : "?"), where(c)))));
}

async function ask(question) {
  const chat = $("chat");
  const asked = el("div", { className: "turn-q" }, question);
  const text = el("div", { className: "text" }, "正在检索报告…");
  const bubble = el("div", { className: "turn-a", "aria-busy": "true" }, text);
  chat.append(asked, bubble);
  bubble.scrollIntoView({ block: "nearest" });
  const button = $("ask-button");
  button.disabled = true;
  let answer = "";
  try {
    const response = await fetch("/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        question, report: $("scope").value || null, conversation_id: state.conversationId,
      }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new Error(body && body.error ? body.error.message : `HTTP ${response.status}`);
    }
    for await (const { event, data } of sseEvents(response)) {
      if (event === "meta") state.conversationId = data.conversation_id;
      else if (event === "answer") {
        answer += data.text;
        text.replaceChildren(...withFigures(answer));
      } else if (event === "citations") {
        if (data.computed.length) {
          bubble.append(el("p", { className: "computed" }, `计算所得(由引文中的数字算出):${data.computed.join(",")}`));
        }
        if (data.citations.length) bubble.append(el("div", { className: "support" }, chips(data.citations, true)));
        if (data.related.length) {
          bubble.append(el("div", { className: "related" },
            el("h3", {}, "可能相关(非依据):以下段落与问题接近,但不能支持任何回答"),
            chips(data.related, false)));
        }
      } else if (event === "done") {
        if (!data.answerable) {
          bubble.classList.add("refusal");
          bubble.prepend(el("p", { className: "refusal-note" }, "无法回答:所收报告中没有能支持回答的内容。"));
        }
        if (data.resolved && data.resolved !== question) {
          asked.append(el("span", { className: "resolved" }, `理解为:${data.resolved}`));
        }
      } else if (event === "error") throw new Error(data.error.message);
    }
  } catch (error) {
    bubble.append(el("p", { className: "error" }, `出错了:${error.message}`));
  } finally {
    bubble.removeAttribute("aria-busy");
    button.disabled = false;
  }
}

async function openPassage(c, support, opener) {
  state.lastFocus = opener || null;
  const panel = $("panel");
  $("panel-title").textContent = support ? "引文(回答的依据)" : "可能相关的段落";
  $("panel-where").textContent = where(c);
  $("panel-kind").replaceChildren(support ? "" : el("span", { className: "not-support" }, "非依据:这段文字不支持回答,仅供查阅"));
  const box = $("panel-text");
  box.replaceChildren("正在读取…");
  $("panel-figure").hidden = true;
  panel.hidden = false;
  document.body.classList.add("panel-open");
  panel.focus();
  const report = state.byId.get(c.report_id);
  const total = report ? report.char_count : c.end;
  const from = Math.max(0, c.start - 300);
  const to = Math.min(total, c.end + 300);
  try {
    const span = await api(`/reports/${encodeURIComponent(c.report_id)}/text?start=${from}&end=${to}`);
    const t = span.text;
    box.replaceChildren(
      (from > 0 ? "…" : "") + t.slice(0, c.start - from),
      el("mark", { className: "quote", id: "panel-quote" }, t.slice(c.start - from, c.end - from)),
      t.slice(c.end - from) + (to < total ? "…" : ""));
    document.getElementById("panel-quote").scrollIntoView({ block: "center" });
  } catch (error) {
    box.replaceChildren(el("mark", { className: "quote", id: "panel-quote" }, c.quote));
  }
  const original = $("panel-original");
  original.hidden = !(report && report.format === "pdf" && c.page);
  original.onclick = () => {
    const image = $("panel-image");
    image.src = `/reports/${encodeURIComponent(c.report_id)}/page/${c.page}.png?start=${c.start}&end=${c.end}`;
    $("panel-caption").textContent = `${c.title} 第${c.page}页(引文区域以红框标出)`;
    $("panel-figure").hidden = false;
  };
}

function closePanel() {
  $("panel").hidden = true;
  document.body.classList.remove("panel-open");
  if (state.lastFocus) state.lastFocus.focus();
}

// ---------- reports ----------
async function loadReports() {
  const body = await api("/reports");
  state.reports = body.data;
  state.byId = new Map(body.data.map((r) => [r.id, r]));
  const fill = (select, values) => {
    const current = select.value;
    select.replaceChildren(select.options[0], ...values.map((v) => el("option", { value: v }, v)));
    select.value = values.includes(current) ? current : "";
  };
  const sorted = (values) => [...new Set(values)].sort();
  fill($("f-publisher"), sorted(state.reports.map((r) => r.publisher || "(未注明)")));
  fill($("f-year"), sorted(state.reports.map((r) => String(r.year || "(未注明)"))));
  fill($("f-kind"), sorted(state.reports.map(kindOf)));
  const scope = $("scope");
  const chosen = scope.value;
  scope.replaceChildren(scope.options[0], ...state.reports.map((r) => el("option", { value: r.id }, r.title)));
  scope.value = state.byId.has(chosen) ? chosen : "";
  renderReportList();
}

function renderReportList() {
  const words = $("f-search").value.trim();
  const publisher = $("f-publisher").value;
  const year = $("f-year").value;
  const kind = $("f-kind").value;
  const shown = state.reports.filter((r) =>
    (!words || r.title.includes(words) || (r.publisher || "").includes(words) || r.file_name.includes(words)) &&
    (!publisher || (r.publisher || "(未注明)") === publisher) &&
    (!year || String(r.year || "(未注明)") === year) &&
    (!kind || kindOf(r) === kind));
  const item = (r) => {
    const meta = [r.publisher || "(发布机构未注明)", r.year || "年度未注明", kindOf(r), r.format.toUpperCase(),
      r.page_count ? `${r.page_count}页` : null, `${r.chunk_count}段`].filter(Boolean).join(" · ");
    return el("li", {}, el("a", { href: `#/report/${r.id}` }, el("strong", {}, r.title), el("p", { className: "meta" }, meta)));
  };
  $("report-list").replaceChildren(...(shown.length ? shown.map(item) : [el("li", { className: "meta" }, "没有符合条件的报告")]));
}

async function showReport(id, tab) {
  state.reportId = id;
  const body = $("report-body");
  body.replaceChildren("正在读取…");
  try {
    const report = await api(`/reports/${encodeURIComponent(id)}`);
    $("report-title").textContent = report.title;
    $("report-meta").textContent = [report.publisher, report.year, kindOf(report), report.file_name,
      `入库于 ${report.ingested_at}`].filter(Boolean).join(" · ");
    for (const b of document.querySelectorAll(".tabs button")) {
      b.setAttribute("aria-selected", String(b.dataset.tab === tab));
    }
    document.querySelector(".admin-only").hidden = !sessionStorage.getItem("rq-token");
    body.replaceChildren(...(await TABS[tab](report)));
  } catch (error) {
    body.replaceChildren(el("p", { className: "error" }, `无法读取报告:${error.message}`));
  }
}

// Budget against actual: column pairs of one table whose headers differ only in 预算 / 决算.
const BUDGET = /(预算数|预算资金|年初预算|预算)$/;
const ACTUAL = /(决算数|实际支出资金|实际支出|执行数|决算)$/;
const NUMERIC = /^-?[\d,]+(\.\d+)?$/;

function budgetBars(tables) {
  const bars = [];
  for (const table of tables) {
    const rows = table.rows.filter((r) => !r.is_header);
    const header = rows.length ? rows[0].header : [];
    for (let i = 0; i < header.length; i += 1) {
      const m = header[i].match(BUDGET);
      if (!m) continue;
      const prefix = header[i].slice(0, m.index);
      const j = header.findIndex((h, k) => k !== i && h.startsWith(prefix) &&
        ACTUAL.test(h.slice(prefix.length)) && !BUDGET.test(h));
      if (j < 0) continue;
      const pairName = prefix.split("/").filter(Boolean).slice(-1)[0] || "";
      for (const row of rows) {
        const [b, a] = [row.cells[i], row.cells[j]].map((c) => (c || "").replace(/\s/g, ""));
        if (!NUMERIC.test(b) && !NUMERIC.test(a)) continue;
        const rowName = row.cells.find((c) => c && !NUMERIC.test(c.trim())) || "";
        const label = [rowName, pairName].filter(Boolean).join(" · ") || `表格 ${tables.indexOf(table) + 1}`;
        bars.push({ label, budget: b, actual: a, title: table.title || "" });
      }
    }
    if (bars.length) break; // one table's lines: the chart compares like with like
  }
  return bars.slice(0, 20);
}

const TABS = {
  async figures(report) {
    const body = await api(`/reports/${encodeURIComponent(report.id)}/figures`);
    if (!body.data.length) return [el("p", { className: "meta" }, "这份报告中没有识别出数字")];
    const shown = body.data.slice(0, 500);
    return [el("p", { className: "meta" }, `共 ${body.count} 个数字${body.count > shown.length ? `,显示前 ${shown.length} 个` : ""}`),
      el("table", {}, el("thead", {}, el("tr", {}, ["数字", "所指", "年度", "位置"].map((h) => el("th", {}, h)))),
        el("tbody", {}, shown.map((f) => el("tr", {},
          el("td", {}, el("mark", { className: "fig" }, f.raw)), el("td", {}, f.measure), el("td", {}, f.year || ""),
          el("td", {}, [f.position.page ? `第${f.position.page}页` : null, f.in_table ? "表格" : "正文"].filter(Boolean).join(" · ")))))) ];
  },
  async chart(report) {
    const tables = (await api(`/reports/${encodeURIComponent(report.id)}/tables`)).data;
    const bars = budgetBars(tables);
    if (!bars.length) return [el("p", { className: "meta" }, "这份报告的表格中没有可以对照的预算数与决算(实际)数")];
    const value = (text) => (NUMERIC.test(text) ? parseFloat(text.replace(/,/g, "")) : 0);
    const top = Math.max(...bars.flatMap((b) => [value(b.budget), value(b.actual)]), 1);
    // A blank cell is not a zero: it is shown as not stated, with no bar.
    const bar = (kind, text) => el("div", { className: `bar ${kind}` },
      NUMERIC.test(text) ? el("span", { className: "fill", style: `width:${Math.max(0.5, (100 * value(text)) / top)}%` }) : null,
      el("span", { className: "num" }, NUMERIC.test(text) ? text : "表中未列出"));
    return [el("p", { className: "legend" }, el("span", { className: "key budget" }, "预算"), el("span", { className: "key actual" }, "决算 / 实际"),
      bars[0].title ? `(${bars[0].title})` : ""),
      el("div", { className: "bars" }, bars.map((b) => el("div", { className: "bar-row" },
        el("div", { className: "bar-label" }, b.label), bar("budget", b.budget), bar("actual", b.actual))))];
  },
  async sections(report) {
    const text = (await api(`/reports/${encodeURIComponent(report.id)}/text`)).text;
    const pre = el("pre", { className: "fulltext", id: "report-text", tabindex: "0" }, text);
    const list = el("ul", { className: "sections" }, report.sections.map((s) => el("li",
      { style: `padding-left:${(s.level - 1) * 1.2}em` },
      el("button", { type: "button", onclick: () => { pre.textContent = text.slice(s.start, s.end); pre.focus(); } }, s.title))));
    const all = el("button", { type: "button", className: "secondary", onclick: () => { pre.textContent = text; } }, "显示全文");
    return [el("h3", {}, `章节(${report.sections.length})`), list, all, el("h3", {}, "原文"), pre];
  },
  async tables(report) {
    const tables = (await api(`/reports/${encodeURIComponent(report.id)}/tables`)).data;
    if (!tables.length) return [el("p", { className: "meta" }, "这份报告中没有识别出表格")];
    return tables.map((t, i) => el("table", {},
      el("caption", {}, t.title || `表格 ${i + 1}`),
      el("tbody", {}, t.rows.map((row) => el("tr", {},
        row.cells.map((cell) => el(row.is_header ? "th" : "td", {}, cell)))))));
  },
  async indicators(report) {
    const body = await api(`/reports/${encodeURIComponent(report.id)}/indicators`);
    if (!body.data.length) return [el("p", { className: "meta" }, "这份报告中没有识别出绩效指标")];
    const counts = { met: 0, unmet: 0, unknown: 0 };
    for (const i of body.data) counts[i.status] += 1;
    return [el("p", {}, `共 ${body.count} 项:已完成 ${counts.met},未完成 ${counts.unmet},无法判断 ${counts.unknown}`),
      el("table", {}, el("thead", {}, el("tr", {}, ["一级/二级", "指标", "目标值", "实际值", "状态", "原因"].map((h) => el("th", {}, h)))),
        el("tbody", {}, body.data.map((i) => el("tr", {},
          el("td", {}, [i.level1, i.level2].filter(Boolean).join(" / ")), el("td", {}, i.name),
          el("td", {}, i.target_raw || ""), el("td", {}, i.actual_raw || ""),
          el("td", {}, el("span", { className: `badge ${i.status}` }, STATUS_TEXT[i.status] || i.status)),
          el("td", {}, i.reason || (i.status === "unmet" ? "(未说明原因)" : "")))))) ];
  },
  async checks(report) {
    const body = await api(`/reports/${encodeURIComponent(report.id)}/checks`);
    const issues = body.issues || [];
    if (!body.data.length && !issues.length) return [el("p", { className: "meta" }, "没有可核对的数字")];
    // the review's issues by severity first (确定, 疑似, 提示), then every arithmetic check
    const review = ["确定", "疑似", "提示"].flatMap((severity) => {
      const found = issues.filter((i) => i.severity === severity);
      if (!found.length) return [];
      return [el("h3", {}, el("span", { className: `badge sev-${SEVERITY_CLASS[severity]}` }, `审核意见·${severity}`), ` ${found.length} 项`),
        ...found.map((i) => el("div", { className: "finding issue" }, el("p", {}, i.message),
          el("ul", {}, (i.evidence || []).map((e) => el("li", { className: "meta" },
            `${e.role}:${e.quote}${e.position && e.position.page ? `(第${e.position.page}页)` : ""}`)))))];
    });
    return review.concat(["inconsistent", "rounding", "agrees"].flatMap((status) => {
      const found = body.data.filter((f) => f.status === status);
      if (!found.length) return [];
      return [el("h3", {}, el("span", { className: `badge ${status}` }, CHECK_TEXT[status]), ` ${found.length} 项`),
        ...found.map((f) => el("div", { className: "finding" }, el("p", {}, f.message),
          el("ul", {}, (f.evidence || []).map((e) => el("li", { className: "meta" },
            `${e.role}:${e.quote}${e.position && e.position.page ? `(第${e.position.page}页)` : ""}`)))))];
    }));
  },
};

// ---------- upload ----------
function pickedFiles() {
  return state.dropped && state.dropped.length ? state.dropped : [...$("files").files];
}

function renderJob(job) {
  $("upload-result").replaceChildren(
    el("p", {}, `任务 ${job.id.slice(0, 8)}:${job.status === "done" ? "完成" : job.status === "failed" ? "失败" : "进行中"}(${job.done}/${job.total})`),
    ...job.files.map((f) => el("div", { className: "jobfile" },
      el("span", {}, f.name),
      el("span", { className: `st-${f.status}` }, FILE_TEXT[f.status] || f.status,
        f.error ? `:${f.error}` : "",
        f.report_id ? [" ", el("a", { href: `#/report/${f.report_id}` }, "查看")] : ""))));
}

async function upload(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  const files = pickedFiles();
  if (!files.length) {
    $("upload-result").replaceChildren(el("p", { className: "error" }, "请先选择文件"));
    return;
  }
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  $("upload-button").disabled = true;
  try {
    let job = await api("/reports", { method: "POST", body: form, headers: { Authorization: `Bearer ${token}` } });
    sessionStorage.setItem("rq-token", token);
    renderJob(job);
    while (job.status === "queued" || job.status === "running") {
      await new Promise((r) => setTimeout(r, 700));
      job = await api(`/jobs/${job.id}`, { headers: { Authorization: `Bearer ${token}` } });
      renderJob(job);
    }
    state.dropped = null;
    await loadReports();
  } catch (error) {
    $("upload-result").replaceChildren(el("p", { className: "error", role: "alert" }, `上传被拒绝:${error.message}`));
  } finally {
    $("upload-button").disabled = false;
  }
}

async function deleteReport() {
  const report = state.byId.get(state.reportId);
  if (!report || !confirm(`删除“${report.title}”?`)) return;
  try {
    await api(`/reports/${encodeURIComponent(report.id)}`, {
      method: "DELETE", headers: { Authorization: `Bearer ${sessionStorage.getItem("rq-token") || ""}` },
    });
    await loadReports();
    location.hash = "#/reports";
  } catch (error) {
    $("report-body").prepend(el("p", { className: "error", role: "alert" }, `删除失败:${error.message}`));
  }
}

// ---------- first-run progress ----------
async function pollHealth() {
  try {
    const health = await api("/health");
    const job = health.ingest;
    const box = $("status");
    if (job && (job.status === "queued" || job.status === "running")) {
      const current = job.files.find((f) => f.status === "running");
      box.textContent = `正在导入内置报告:${job.done}/${job.total}${current ? `(${current.name})` : ""};已入库的报告现在就可以提问。`;
      box.hidden = false;
      setTimeout(pollHealth, 2000);
      if (job.done !== state.firstRunDone) { state.firstRunDone = job.done; loadReports(); }
      return;
    }
    if (job && state.firstRunDone !== undefined) {
      box.textContent = `内置报告导入完成(${job.total} 份)。`;
      loadReports();
    } else box.hidden = true;
  } catch (error) {
    setTimeout(pollHealth, 5000);
  }
}

// ---------- routing ----------
function route() {
  const hash = location.hash || "#/ask";
  const [, view, id, tab] = hash.split("/");
  const name = view === "report" && id ? "report" : ["ask", "reports", "upload"].includes(view) ? view : "ask";
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${name}`;
  for (const link of document.querySelectorAll(".top nav a")) {
    if (link.dataset.view === (name === "report" ? "reports" : name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (name === "report") showReport(decodeURIComponent(id), TABS[tab] ? tab : "sections");
  if (name === "ask") $("question").focus();
}

function init() {
  $("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const question = $("question").value.trim();
    if (!question || $("ask-button").disabled) return;
    $("question").value = "";
    ask(question);
  });
  $("question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("ask-form").requestSubmit();
    }
  });
  $("new-chat").addEventListener("click", () => {
    state.conversationId = null;
    $("chat").replaceChildren();
    $("question").focus();
  });
  $("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("panel").hidden) closePanel();
  });
  for (const id of ["f-search", "f-publisher", "f-year", "f-kind"]) $(id).addEventListener("input", renderReportList);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  for (const button of document.querySelectorAll(".tabs button")) {
    button.addEventListener("click", () => { location.hash = `#/report/${state.reportId}/${button.dataset.tab}`; });
  }
  $("delete-report").addEventListener("click", deleteReport);
  $("upload-form").addEventListener("submit", upload);
  $("token").value = sessionStorage.getItem("rq-token") || "";
  $("files").addEventListener("change", () => {
    state.dropped = null;
    $("picked").textContent = [...$("files").files].map((f) => f.name).join("、");
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    state.dropped = [...event.dataTransfer.files];
    $("picked").textContent = state.dropped.map((f) => f.name).join("、");
  });
  drop.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); $("files").click(); }
  });
  window.addEventListener("hashchange", route);
  loadReports().catch(() => {});
  pollHealth();
  route();
}

init();
