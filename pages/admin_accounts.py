"""Accounts (admin): create, assign roles, reset a password with a link, lift a lock, deactivate."""

import pandas as pd
import streamlit as st

from core.accounts import accounts
from core.kernel.access import ROLES
from core.kernel.errors import TandemError
from core.kernel.i18n import t, tn
from core.kernel.paging import PAGE_SIZE
from ui import sso
from ui.actions import act, flash
from ui.chat_link import chat_link_settings
from ui.notify_admin import section as mail_section
from ui.page import guard
from ui.widgets import TIME_WIDTH, choose_many, form_key, form_sent, md_escape, pager, pick
from ui.zone import local_time, viewer_zone

store, viewer = guard("accounts")
zone = viewer_zone(store, viewer)  # times stored in UTC, shown in mine
st.title(t("Accounts"))

role_label = {code: t(label) for code, label in ROLES.items()}

NEW = ("new_name", "new_email", "new_username", "new_department", "new_password")


def _create() -> None:
    get = st.session_state.get
    name, email, username, department, password = (get(k) or "" for k in NEW)
    new = accounts.NewAccount(email, name, username, password)
    if act(
        "create_account",
        accounts.create_account,
        new,
        roles=get("new_roles") or [],
        department=department,
        key=form_key("account_new"),
        done=lambda row: t("Account {username} created.", username=row.username),
        clear=(*NEW, "new_roles"),
    ):
        form_sent("account_new")


with st.expander(t("Create an account"), expanded=False):
    with st.form("create_account", clear_on_submit=False):
        c1, c2 = st.columns(2)
        c1.text_input(t("Full name"), key="new_name")
        c2.text_input(t("E-mail"), key="new_email")
        c1.text_input(t("Username"), key="new_username")
        c2.text_input(t("Department"), key="new_department")
        c1.text_input(t("Initial password"), type="password", key="new_password")
        choose_many(
            t("Roles"),
            list(ROLES),
            default=["participant"],
            format_func=role_label.get,
            key="new_roles",
            where=c2,
        )
        st.form_submit_button(t("Create"), on_click=_create)
        form_key("account_new")  # drawn with the form, sent with it
    flash("create_account")

chat_link_settings(store, viewer)
mail_section(store, viewer)
sso.passwords_setting(store)

query = st.text_input(t("Search by name, username or e-mail"), key="account_search")
found = accounts.list_accounts(
    store.sf, viewer, query, page=int(st.session_state.get("accounts_page", 1))
)
rows = found.rows

if not rows:
    st.info(t("No account matches."))
    st.stop()


def _accounts_shown(total: int, n: str, first: str, last: str) -> str:
    return tn(
        "{n} account matches; {first}–{last} are shown.",
        "{n} accounts match; {first}–{last} are shown.",
        total,
        n=n,
        first=first,
        last=last,
    )


pager("accounts_page", found, PAGE_SIZE, _accounts_shown)

table = pd.DataFrame(
    {
        t("Name"): [r.name for r in rows],
        t("Username"): [r.username for r in rows],
        t("E-mail"): [r.email for r in rows],
        t("Department"): [r.department or "" for r in rows],
        t("Roles"): [", ".join(role_label[x] for x in r.roles) for r in rows],
        t("Active"): [r.is_active for r in rows],
        t("Last sign-in"): [local_time(r.last_login_at, zone) for r in rows],
        t("Sign-in locked until"): [
            local_time(r.locked_until, zone) if r.locked_until else "" for r in rows
        ],
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        label: st.column_config.TextColumn(width=TIME_WIDTH)
        for label in (t("Last sign-in"), t("Sign-in locked until"))
    },
)

st.header(t("Change an account"))
by_id = {r.account_id: r for r in rows}
chosen = pick(t("Account"), by_id, lambda r: f"{r.name} ({r.username})", key="account_pick")
target = by_id[chosen]


def _save_roles(account_id: int) -> None:
    roles = st.session_state[f"roles_sel_{account_id}"]
    act(f"roles_{account_id}", accounts.set_roles, account_id, roles, done=t("Roles saved."))


col_roles, col_pw, col_active = st.columns(3)
with col_roles, st.form(f"roles_{chosen}"):
    new_roles = choose_many(
        t("Roles"),
        list(ROLES),
        default=list(target.roles),
        format_func=role_label.get,
        key=f"roles_sel_{chosen}",
    )
    st.form_submit_button(t("Save roles"), on_click=_save_roles, args=(chosen,))
    flash(f"roles_{chosen}")
with col_pw, st.form(f"reset_{chosen}", clear_on_submit=True):
    st.caption(
        t(
            "A reset gives a one-time link with which the person chooses a new password: you never choose nor see it. Their current password and open sessions stop at once."
        )
    )
    confirmed = st.checkbox(
        t("Their current password stops working now"), key=f"reset_confirm_{chosen}"
    )
    if st.form_submit_button(t("Reset password")):
        if not confirmed:
            st.error(t("Tick the box to confirm the reset."))
        else:
            try:
                reset = accounts.reset_password(store.sf, viewer, chosen)
            except TandemError as e:
                st.error(str(e))
            else:
                st.success(
                    t(
                        "Password reset. Give this link to {name} yourself; it works once, until {date}:",
                        name=md_escape(reset.name),
                        date=local_time(reset.expires_at, zone),
                    )
                )
                st.code(reset.link, language=None)
                st.caption(t("The link is shown only now. Their Home will say that you reset it."))
if target.locked_until:
    with col_pw:
        st.warning(
            t(
                "Sign-in is locked until {time} after failed attempts.",
                time=local_time(target.locked_until, zone),
            )
        )
        st.button(
            t("Lift the sign-in lock"),
            key=f"unlock_{chosen}",
            on_click=act,
            args=(f"unlock_{chosen}", accounts.lift_lock, chosen),
        )
        flash(f"unlock_{chosen}")
with col_active:
    st.write(t("Status: {status}", status=t("active") if target.is_active else t("deactivated")))
    label = t("Deactivate") if target.is_active else t("Reactivate")
    st.button(
        label,
        key=f"toggle_{chosen}",
        on_click=act,
        args=(f"toggle_{chosen}", accounts.set_active, chosen, not target.is_active),
    )
    flash(f"toggle_{chosen}")
