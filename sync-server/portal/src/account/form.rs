//! The pages of the account: each one or more small forms (a title, a few inputs, a button),
//! rendered by one template, with the error summary linking to the inputs as on the
//! services' forms; and the limit on forms that send mail.

use std::num::NonZeroU32;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::form_guard;
use crate::frame::{Frame, render_with};
use crate::page_error::PageError;
use crate::service_form::Problem;
use crate::submissions::SubmissionLimit;
use crate::tenant::PortalTenant;

/// How many forms that send mail (registering, a new password) one address may send per
/// hour: enough for a family behind one router, too few to flood somebody's mailbox.
const MAILS_PER_HOUR: u32 = 10;

/// The limit on forms that send mail, per client address.
#[derive(Debug)]
pub struct AccountLimit(pub SubmissionLimit);

impl AccountLimit {
    /// The limit of [`MAILS_PER_HOUR`].
    pub fn new() -> Self {
        Self(SubmissionLimit::per_hour(
            NonZeroU32::new(MAILS_PER_HOUR).unwrap_or(NonZeroU32::MIN),
        ))
    }
}

impl Default for AccountLimit {
    fn default() -> Self {
        Self::new()
    }
}

/// One input.
#[derive(Debug, Clone)]
pub struct Input {
    /// Label.
    pub label: String,
    /// The name it is sent under (also its id, `f-{name}`).
    pub name: &'static str,
    /// `email`, `password`, `text`, `tel`.
    pub kind: &'static str,
    /// The browser's autofill hint (`email`, `current-password`, `new-password`, `name`, …).
    pub autocomplete: &'static str,
    /// What it shows (never a password).
    pub value: String,
    /// A hint below the label.
    pub hint: Option<String>,
    /// What is wrong.
    pub error: Option<String>,
}

impl Input {
    /// An empty input.
    pub fn new(
        label: &str,
        name: &'static str,
        kind: &'static str,
        autocomplete: &'static str,
    ) -> Self {
        Self {
            label: label.to_string(),
            name,
            kind,
            autocomplete,
            value: String::new(),
            hint: None,
            error: None,
        }
    }

    /// With `value` shown.
    pub fn value(mut self, value: &str) -> Self {
        self.value = value.to_string();
        self
    }

    /// With `hint` below the label.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_string());
        self
    }

    /// With `error`, when there is one.
    pub fn error(mut self, error: Option<String>) -> Self {
        self.error = error;
        self
    }

    /// The ids describing the input.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("hint-{}", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("error-{}", self.name));
        }
        ids.join(" ")
    }
}

/// One form of a page.
#[derive(Debug, Clone)]
pub struct Form {
    /// A heading above it, when the page has several.
    pub heading: Option<String>,
    /// What it is for.
    pub intro: Option<String>,
    /// Where it is sent.
    pub action: String,
    /// Its token.
    pub csrf: String,
    /// Its inputs.
    pub inputs: Vec<Input>,
    /// The button.
    pub submit: String,
    /// Whether the button does something that cannot be undone.
    pub danger: bool,
}

impl Form {
    /// A form sent to `action`.
    pub fn new(action: String, submit: &str, inputs: Vec<Input>) -> Self {
        Self {
            heading: None,
            intro: None,
            action,
            csrf: String::new(),
            inputs,
            submit: submit.to_string(),
            danger: false,
        }
    }
}

/// An account page.
#[derive(Template)]
#[template(path = "portal/account.html")]
pub struct AccountPage {
    /// The frame.
    pub page: Frame,
    /// A line above everything (done, or why not).
    pub notice: Option<String>,
    /// What is wrong, linking to the inputs.
    pub problems: Vec<Problem>,
    /// What the page is for.
    pub intro: Option<String>,
    /// Its forms.
    pub forms: Vec<Form>,
    /// Links below (to signing in, registering, a new password).
    pub links: Vec<(String, String)>,
}

impl AccountPage {
    /// The page of a mailed link that no longer works (used, expired, another portal's),
    /// titled `title`, pointing on to `next` (path under the tenant's portal, label).
    pub fn link_spent(tenant: &PortalTenant, title: &str, next: (&str, &str)) -> Self {
        let mut page = Self::new(tenant, title, Vec::new());
        page.notice = Some(tenant.t().account_link_spent.to_string());
        page.links = vec![(format!("{}{}", tenant.base(), next.0), next.1.to_string())];
        page
    }

    /// A page of `tenant` titled `title` with `forms`.
    pub fn new(tenant: &PortalTenant, title: &str, forms: Vec<Form>) -> Self {
        let problems = forms
            .iter()
            .flat_map(|form| &form.inputs)
            .filter_map(|input| {
                Some(Problem {
                    anchor: format!("f-{}", input.name),
                    message: input.error.clone()?,
                })
            })
            .collect();
        Self {
            page: Frame::of(tenant, title),
            notice: None,
            problems,
            intro: None,
            forms,
            links: Vec::new(),
        }
    }

    /// Renders the page with `status`. Forms without a token get the portal's form token
    /// (for forms sent before signing in), whose cookie the answer sets when it is new.
    ///
    /// # Errors
    /// A failed render, no randomness for a token.
    pub fn answer(
        mut self,
        lang: schema::Language,
        headers: &HeaderMap,
        secure: bool,
        status: StatusCode,
    ) -> Result<Response, PageError> {
        let fail = |e| PageError::new(e, lang);
        let (token, cookie) = form_guard::token(headers, secure).map_err(fail)?;
        for form in &mut self.forms {
            if form.csrf.is_empty() {
                form.csrf.clone_from(&token);
            }
        }
        let mut response = render_with(status, &self).map_err(fail)?;
        form_guard::set(response.headers_mut(), cookie);
        Ok(response)
    }
}
