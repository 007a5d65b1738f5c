//! Following a list's `next_cursor` one page at a time, so a command can print each
//! page before it asks for the next (nothing kept from earlier pages but their
//! cursors, to refuse a server that sends one twice).

use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::{ApiClient, ApiError, Method, PAGE_LIMIT, decode, enc, request};

/// The pages of one list endpoint, fetched on demand.
pub struct Pages<T> {
    client: ApiClient,
    path: String,
    sep: char,
    cursor: Option<String>,
    seen: HashSet<String>,
    done: bool,
    _items: PhantomData<fn() -> T>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ListBody<T> {
    Page(access_api::Page<T>),
    Array(Vec<T>),
}

impl<T: DeserializeOwned> Pages<T> {
    pub(super) fn new(client: ApiClient, path: String) -> Self {
        let sep = if path.contains('?') { '&' } else { '?' };
        Pages {
            client,
            path,
            sep,
            cursor: None,
            seen: HashSet::new(),
            done: false,
            _items: PhantomData,
        }
    }

    /// The next page's items; `None` after the last page. A repeated cursor is an
    /// error ([`ApiError::CursorRepeated`]).
    pub async fn next(&mut self) -> Result<Option<Vec<T>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let (path, sep) = (&self.path, self.sep);
        let page_path = match &self.cursor {
            None => format!("{path}{sep}limit={PAGE_LIMIT}"),
            Some(c) => format!("{path}{sep}limit={PAGE_LIMIT}&cursor={}", enc(c)),
        };
        let resp = self
            .client
            .execute(request(Method::Get, page_path, None::<&()>)?)
            .await?;
        match decode::<ListBody<T>>(&resp.body)? {
            ListBody::Array(items) => {
                self.done = true;
                Ok(Some(items))
            }
            ListBody::Page(page) => {
                match page.next_cursor {
                    None => self.done = true,
                    Some(next) if !self.seen.insert(next.clone()) => return Err(ApiError::CursorRepeated),
                    Some(next) => self.cursor = Some(next),
                }
                Ok(Some(page.items))
            }
        }
    }

    /// Every remaining item, in order.
    pub async fn collect(mut self) -> Result<Vec<T>, ApiError> {
        let mut items = Vec::new();
        while let Some(page) = self.next().await? {
            items.extend(page);
        }
        Ok(items)
    }
}
