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
    /// Items still wanted (the client's `--limit`).
    left: usize,
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
        let left = client.list_limit.unwrap_or(usize::MAX);
        Pages {
            client,
            path,
            sep,
            cursor: None,
            seen: HashSet::new(),
            done: left == 0,
            left,
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
        let page_limit = self.left.clamp(1, PAGE_LIMIT as usize);
        let page_path = match &self.cursor {
            None => format!("{path}{sep}limit={page_limit}"),
            Some(c) => format!("{path}{sep}limit={page_limit}&cursor={}", enc(c)),
        };
        let resp = self
            .client
            .execute(request(Method::Get, page_path, None::<&()>)?)
            .await?;
        match decode::<ListBody<T>>(&resp.body)? {
            ListBody::Array(mut items) => {
                self.done = true;
                items.truncate(self.left);
                Ok(Some(items))
            }
            ListBody::Page(page) => {
                match page.next_cursor {
                    None => self.done = true,
                    Some(next) if !self.seen.insert(next.clone()) => return Err(ApiError::CursorRepeated),
                    Some(next) => self.cursor = Some(next),
                }
                let mut items = page.items;
                items.truncate(self.left);
                self.left -= items.len();
                if self.left == 0 {
                    self.done = true;
                }
                Ok(Some(items))
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
