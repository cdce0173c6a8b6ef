"""Finding the students of a batch: ids, LMS export zips unpacked safely, content hashes, and the
private copy each student is graded from. No grading here."""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from grader.batch.sources import BatchError, content_hash, extract_export, find_students, private_copy
from grader.submission import SubmissionError


def make(folder: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def ids(students) -> list[str]:
    return [s.student for s in students]


def test_ids_are_names_without_the_extension_kept_whole_otherwise(tmp_path):
    make(tmp_path / "class", {"smith_jane_12345_678_layers.py": "", "lee.ipynb": "", "kim.tar.zip": "",
                              "ana/layers.py": "", "notes.txt": ""})
    (tmp_path / "class" / "empty").mkdir()
    students = find_students(tmp_path / "class", tmp_path / "unpacked")
    assert ids(students) == ["ana", "empty", "kim.tar", "lee", "notes", "smith_jane_12345_678_layers"]


def test_two_entries_with_one_stem_keep_their_full_names(tmp_path):
    make(tmp_path / "class", {"ana.py": "", "ana.ipynb": "", "bo.py": ""})
    assert ids(find_students(tmp_path / "class", tmp_path / "u")) == ["ana.ipynb", "ana.py", "bo"]


def test_hidden_files_os_litter_and_links_are_not_students(tmp_path):
    folder = make(tmp_path / "class", {".DS_Store": "", "__MACOSX/x.py": "", "Thumbs.db": "", "ana.py": ""})
    (folder / "link.py").symlink_to(folder / "ana.py")
    assert ids(find_students(folder, tmp_path / "u")) == ["ana"]


def zip_of(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_a_zip_export_of_a_folder_is_unwrapped_and_matches_the_folder(tmp_path):
    folder = make(tmp_path / "class", {"ana.py": "a = 1", "bo/layers.py": "b = 2", "bo/more/x.py": "c"})
    export = zip_of(tmp_path / "export.zip", {"exports/hw1/ana.py": "a = 1", "exports/hw1/bo/layers.py": "b = 2",
                                              "exports/hw1/bo/more/x.py": "c", "__MACOSX/exports/._ana.py": "junk"})
    from_folder = find_students(folder, tmp_path / "u1")
    from_zip = find_students(export, tmp_path / "u2")
    assert [(s.student, s.sha256) for s in from_zip] == [(s.student, s.sha256) for s in from_folder]


def test_an_empty_folder_in_an_export_is_a_student(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("ana.py", "")
        archive.writestr("bo/", "")
    assert ids(find_students(export, tmp_path / "u")) == ["ana", "bo"]


def test_export_members_never_land_outside_the_extraction_folder(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for name in ("../escape.py", "/abs/escape.py", "a/../../escape.py", "C:/escape.py", "ok/.hidden.py"):
            archive.writestr(name, "boom")
        link = zipfile.ZipInfo("ok/link.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("ok/layers.py", "fine")
    into = tmp_path / "deep" / "into"
    extract_export(export, into)
    written = sorted(p.relative_to(into).as_posix() for p in into.rglob("*"))
    assert written == ["ok", "ok/layers.py"]
    assert not list(tmp_path.glob("escape.py")) and not (tmp_path / "deep" / "escape.py").exists()


def test_an_unreadable_export_is_a_batch_error(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(BatchError, match="not a readable zip"):
        find_students(tmp_path / "bad.zip", tmp_path / "u")


def test_a_folder_hash_changes_with_any_file_its_name_or_content(tmp_path):
    folder = make(tmp_path / "ana", {"layers.py": "a", "notes.txt": "b"})
    original = content_hash(folder)
    (folder / "notes.txt").write_text("c")
    edited = content_hash(folder)
    os.rename(folder / "notes.txt", folder / "notes2.txt")
    renamed = content_hash(folder)
    assert len({original, edited, renamed}) == 3
    (folder / ".DS_Store").write_text("litter")
    assert content_hash(folder) == renamed


def entry(tmp_path, path):
    return next(s for s in find_students(path.parent, tmp_path / "u") if s.path == path)


def test_private_copy_of_a_file_or_a_one_file_folder_is_that_file(tmp_path):
    make(tmp_path / "class", {"ana.py": "a = 1", "bo/sub/layers.ipynb": "{}", "bo/readme.txt": "hi"})
    ana = private_copy(entry(tmp_path, tmp_path / "class" / "ana.py"), tmp_path / "p1")
    bo = private_copy(entry(tmp_path, tmp_path / "class" / "bo"), tmp_path / "p2")
    assert (ana, ana.read_text()) == (tmp_path / "p1" / "ana.py", "a = 1")
    assert bo == tmp_path / "p2" / "layers.ipynb" and sorted(os.listdir(tmp_path / "p2")) == ["layers.ipynb"]


def test_private_copy_of_a_folder_of_several_files_is_a_zip_of_its_sources(tmp_path):
    folder = make(tmp_path / "class", {"cy/layers.py": "a", "cy/work/nb.ipynb": "{}", "cy/readme.txt": "x"})
    zip_of(folder / "cy" / "old.zip", {"v1/layers.py": "old", "v1/data.csv": "1,2"})
    bundle = private_copy(entry(tmp_path, folder / "cy"), tmp_path / "p")
    assert bundle == tmp_path / "p" / "cy.zip"
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == ["layers.py", "old.zip/v1/layers.py", "work/nb.ipynb"]


def test_private_copy_of_a_folder_without_code_is_a_submission_error(tmp_path):
    folder = make(tmp_path / "class", {"dee/answers.txt": "42"})
    with pytest.raises(SubmissionError, match="holds no .py, .ipynb or .zip"):
        private_copy(entry(tmp_path, folder / "dee"), tmp_path / "p")
