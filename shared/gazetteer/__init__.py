"""The official areas (gazetteer): every province, prefecture, county, township and village
with its statistical division code and name, from a pinned edition of a maintained data
package (edition.py), loaded into a database of its own that every service reads
(store.py) by ``python -m shared.gazetteer load`` (__main__.py)."""
