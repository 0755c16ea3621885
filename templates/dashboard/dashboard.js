// The dashboard's script (inline in the page; its SHA-256 is in the page's CSP). It only shows
// and hides what the page already holds: the view and the filters live in the URL's hash
// (#view=plans&fsu=FSU-BARN&status=rød), so a link to a filtered view can be sent on.
// It reads its words from the JSON block and writes text only with textContent.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var words = data.words;
  var baseTitle = document.title;
  var aliases = data.aliases; // slug (nb, nn, English code) -> status code
  var slugs = data.slugs; // status code -> slug of this page's language
  var MEASURE = ['green', 'yellow', 'red', 'none'];
  var LOG = ['open', 'overdue', 'followed_up', 'routine', 'resolved', 'placeholder'];
  var KEYS = ['view', 'plan', 'fsu', 'status', 'year', 'q'];

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function parse() {
    var state = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      if (!part) { return; }
      var i = part.indexOf('=');
      var k = i < 0 ? part : part.slice(0, i);
      var v = i < 0 ? '' : part.slice(i + 1);
      try { v = decodeURIComponent(v.replace(/\+/g, ' ')); } catch (e) { v = ''; }
      try { k = decodeURIComponent(k); } catch (e) { k = ''; }
      if (k === 'committee' || k === 'utvalg' || k === 'utval') { k = 'fsu'; }
      if (KEYS.indexOf(k) >= 0 && v !== '') { state[k] = v; }
    });
    if (state.status) {
      var code = aliases[state.status.toLowerCase()];
      state.status = code || state.status.toLowerCase();
    }
    if (!state.view) {
      var isMeasure = state.status && MEASURE.indexOf(state.status) >= 0;
      var isLog = state.status && LOG.indexOf(state.status) >= 0;
      if (state.plan || isMeasure) { state.view = 'plans'; }
      else if (state.q || state.year || isLog) { state.view = 'log'; }
      else if (state.fsu) { state.view = 'plans'; }
      else { state.view = 'overview'; }
    }
    if (['overview', 'plans', 'log'].indexOf(state.view) < 0) { state.view = 'overview'; }
    return state;
  }

  function hashOf(state) {
    var parts = [];
    KEYS.forEach(function (k) {
      var v = state[k];
      if (!v) { return; }
      if (k === 'status' && slugs[v]) { v = slugs[v]; }
      parts.push(k + '=' + encodeURIComponent(v));
    });
    return '#' + parts.join('&');
  }

  function sameCode(a, b) { return String(a).toLowerCase() === String(b).toLowerCase(); }

  function shown(n, total) {
    return words.shown.replace('{n}', String(n)).replace('{total}', String(total));
  }

  function applyOverview(state) {
    $$('[data-view="overview"] tr[data-code]').forEach(function (tr) {
      tr.hidden = !!state.fsu && !sameCode(tr.getAttribute('data-code'), state.fsu);
    });
  }

  function applyPlans(state) {
    var total = 0;
    var n = 0;
    var statusFilter = state.status && MEASURE.indexOf(state.status) >= 0 ? state.status : null;
    $$('article.plan').forEach(function (plan) {
      var planOk = (!state.fsu || sameCode(plan.getAttribute('data-code'), state.fsu)) &&
        (!state.plan || plan.id === state.plan);
      var visible = 0;
      $$('.goal', plan).forEach(function (goal) {
        var inGoal = 0;
        $$('tr.measure', goal).forEach(function (tr) {
          total += 1;
          var ok = planOk && (!statusFilter || tr.getAttribute('data-status') === statusFilter);
          tr.hidden = !ok;
          if (ok) { inGoal += 1; }
        });
        goal.hidden = inGoal === 0 && !!statusFilter;
        visible += inGoal;
      });
      plan.hidden = !planOk || (visible === 0 && !!statusFilter);
      n += visible;
    });
    var count = $('#plans-count');
    if (count) { count.textContent = shown(n, total); }
    var none = $('#plans-nomatch');
    if (none) { none.hidden = n > 0 || total === 0; }
  }

  function applyLog(state) {
    var rows = $$('tr.entry');
    var q = (state.q || '').toLowerCase();
    var statusFilter = state.status && LOG.indexOf(state.status) >= 0 ? state.status : null;
    var n = 0;
    rows.forEach(function (tr) {
      var ok = (!state.fsu || sameCode(tr.getAttribute('data-code'), state.fsu)) &&
        (!statusFilter || tr.getAttribute('data-status') === statusFilter) &&
        (!state.year || tr.getAttribute('data-year') === state.year) &&
        (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) { n += 1; }
    });
    var count = $('#log-count');
    if (count) { count.textContent = shown(n, rows.length); }
    var none = $('#log-nomatch');
    if (none) { none.hidden = n > 0; }
  }

  function syncForms(state) {
    $$('form.filters').forEach(function (form) {
      $$('select, input', form).forEach(function (el) {
        var v = state[el.name] || '';
        if (el.name === 'status') {
          var own = form.getAttribute('data-for') === 'plans' ? MEASURE : LOG;
          v = own.indexOf(v) >= 0 ? slugs[v] : '';
        }
        if (el.tagName === 'SELECT' && !$$('option', el).some(function (o) { return o.value === v; })) { v = ''; }
        if (el.value !== v) { el.value = v; }
      });
    });
  }

  var first = true;
  function apply() {
    var state = parse();
    $$('[data-view]').forEach(function (s) { s.hidden = s.getAttribute('data-view') !== state.view; });
    $$('[data-nav]').forEach(function (a) {
      if (a.getAttribute('data-nav') === state.view) { a.setAttribute('aria-current', 'page'); }
      else { a.removeAttribute('aria-current'); }
    });
    applyOverview(state);
    applyPlans(state);
    applyLog(state);
    syncForms(state);
    var label = words['view_' + state.view] || '';
    if (state.plan) {
      data.plans.forEach(function (p) { if (p.id === state.plan) { label = p.title; } });
    }
    if (state.fsu) { label += ' · ' + state.fsu; }
    document.title = label + ' – ' + baseTitle;
    if (!first) {
      var h = state.plan ? document.getElementById(state.plan + '-h') : $('#h-' + state.view);
      if (h) { if (!h.hasAttribute('tabindex')) { h.setAttribute('tabindex', '-1'); } h.focus(); }
    }
    first = false;
  }

  function setHash(state, replace) {
    var h = hashOf(state);
    if (replace) {
      try { history.replaceState(null, '', h); } catch (e) { location.replace(h); return; }
      var keep = first;
      first = true; // no focus move while typing
      apply();
      first = keep;
    } else {
      location.hash = h;
    }
  }

  $$('form.filters').forEach(function (form) {
    var view = form.getAttribute('data-for');
    function stateOf() {
      var s = { view: view };
      $$('select, input', form).forEach(function (el) { if (el.value) { s[el.name] = el.value; } });
      return s;
    }
    form.addEventListener('submit', function (ev) { ev.preventDefault(); });
    $$('select', form).forEach(function (el) {
      el.addEventListener('change', function () { setHash(stateOf(), true); });
    });
    $$('input', form).forEach(function (el) {
      el.addEventListener('input', function () { setHash(stateOf(), true); });
    });
    var clear = $('[data-clear]', form);
    if (clear) {
      clear.addEventListener('click', function () { setHash({ view: view }, true); });
    }
  });
  window.addEventListener('hashchange', apply);
  apply();
}());
