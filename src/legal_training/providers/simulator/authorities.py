# ruff: noqa: E501
"""Real authorities per jurisdiction and practice area, in each jurisdiction's citation format.

Every entry is ``(citation, what it stands for)``; the second part is a present-tense verb phrase
so it reads after the citation ("Caparo ... sets out ..."). The citations are real and written in
the formats our citation checks recognise (UK neutral citations respect court years: UKSC from
2009, UKHL until 2009). Keys are ``"<jurisdiction>:<practice area>"``; ``"<jurisdiction>:*"``
holds general authorities used to top up an area with too few entries.
"""

from __future__ import annotations

Authority = tuple[str, str]

AUTHORITIES: dict[str, tuple[Authority, ...]] = {
    # ------------------------------------------------------------------ United Kingdom
    "uk:Contract Law": (
        (
            "Carlill v Carbolic Smoke Ball Co [1893] 1 QB 256",
            "holds that a unilateral offer made to the world is accepted by performing its conditions",
        ),
        (
            "Hyde v Wrench (1840) 3 Beav 334",
            "establishes that a counter-offer rejects and destroys the original offer",
        ),
        (
            "Entores Ltd v Miles Far East Corp [1955] 2 QB 327",
            "holds that acceptance by instantaneous communication takes effect where it is received",
        ),
        (
            "RTS Flexible Systems Ltd v Molkerei Alois Müller GmbH [2010] UKSC 14",
            "shows that a binding contract may be inferred from conduct even where the parties worked 'subject to contract'",
        ),
        (
            "Hadley v Baxendale (1854) 9 Exch 341",
            "limits recoverable loss to what arises naturally or was within the parties' reasonable contemplation",
        ),
        (
            "Transfield Shipping Inc v Mercator Shipping Inc [2008] UKHL 48",
            "ties remoteness to the type of loss for which the defendant can be taken to have assumed responsibility",
        ),
        (
            "Hongkong Fir Shipping Co Ltd v Kawasaki Kisen Kaisha Ltd [1962] 2 QB 26",
            "recognises innominate terms whose breach justifies termination only if it deprives the innocent party of substantially the whole benefit",
        ),
        (
            "Cavendish Square Holding BV v Makdessi [2015] UKSC 67",
            "treats a clause as a penalty only where it imposes a detriment out of all proportion to the innocent party's legitimate interest",
        ),
        (
            "Arnold v Britton [2015] UKSC 36",
            "gives primacy to the natural meaning of the words the parties chose",
        ),
        (
            "Wood v Capita Insurance Services Ltd [2017] UKSC 24",
            "describes interpretation as a unitary exercise balancing text and commercial context",
        ),
        (
            "Interfoto Picture Library Ltd v Stiletto Visual Programmes Ltd [1989] QB 433",
            "requires particularly onerous terms to be fairly brought to the other party's attention",
        ),
        (
            "L'Estrange v F Graucob Ltd [1934] 2 KB 394",
            "binds a signatory to the terms of a signed document whether or not they were read",
        ),
        (
            "Derry v Peek (1889) 14 App Cas 337",
            "defines fraud as a false statement made knowingly, without belief in its truth, or recklessly",
        ),
        (
            "Smith New Court Securities Ltd v Scrimgeour Vickers (Asset Management) Ltd [1997] AC 254",
            "allows a victim of fraud to recover all loss directly flowing from the transaction",
        ),
        (
            "Misrepresentation Act 1967, s 2(1)",
            "makes a party liable for negligent misrepresentation unless it proves reasonable grounds for believing the statement",
        ),
        (
            "Unfair Contract Terms Act 1977, s 11",
            "subjects exclusion clauses in business contracts to a reasonableness test",
        ),
        (
            "Consumer Rights Act 2015, s 62",
            "renders unfair terms in consumer contracts non-binding on the consumer",
        ),
        (
            "Sale of Goods Act 1979, s 14",
            "implies terms that goods sold in the course of a business are of satisfactory quality",
        ),
        (
            "Robinson v Harman (1848) 1 Exch 850",
            "aims damages at putting the claimant in the position it would have occupied had the contract been performed",
        ),
        (
            "Ruxley Electronics and Construction Ltd v Forsyth [1996] AC 344",
            "refuses cost-of-cure damages where reinstatement would be unreasonable",
        ),
        (
            "Morris-Garner v One Step (Support) Ltd [2018] UKSC 20",
            "confines negotiating damages to cases where the lost right is itself an asset with economic value",
        ),
        (
            "Triple Point Technology Inc v PTT Public Co Ltd [2021] UKSC 29",
            "applies a liquidated damages clause to delay accrued before termination",
        ),
        (
            "Law of Property (Miscellaneous Provisions) Act 1989, s 2",
            "requires contracts for the sale of land to be in writing, signed by both parties and to incorporate all agreed terms",
        ),
    ),
    "uk:Tort Law": (
        (
            "Donoghue v Stevenson [1932] AC 562",
            "founds the modern duty of care on the neighbour principle",
        ),
        (
            "Caparo Industries plc v Dickman [1990] 2 AC 605",
            "requires foreseeability, proximity and fairness before a novel duty of care is recognised",
        ),
        (
            "Robinson v Chief Constable of West Yorkshire Police [2018] UKSC 4",
            "directs courts to reason incrementally from established categories rather than apply Caparo as a universal test",
        ),
        (
            "Bolam v Friern Hospital Management Committee [1957] 1 WLR 582",
            "measures professional skill against a responsible body of practitioners",
        ),
        (
            "Bolitho v City and Hackney Health Authority [1998] AC 232",
            "requires that professional opinion relied on be capable of withstanding logical analysis",
        ),
        (
            "Montgomery v Lanarkshire Health Board [2015] UKSC 11",
            "imposes a duty to disclose material risks judged from the patient's perspective",
        ),
        (
            "Manchester Building Society v Grant Thornton UK LLP [2021] UKSC 20",
            "limits an adviser's liability by the purpose of the duty assumed",
        ),
        (
            "Hedley Byrne & Co Ltd v Heller & Partners Ltd [1964] AC 465",
            "recognises liability for negligent misstatement founded on an assumption of responsibility",
        ),
        (
            "Occupiers' Liability Act 1957, s 2",
            "imposes on occupiers a common duty of care towards lawful visitors",
        ),
        (
            "Occupiers' Liability Act 1984, s 1",
            "defines the narrower duty owed to trespassers and other non-visitors",
        ),
        (
            "Tomlinson v Congleton Borough Council [2003] UKHL 47",
            "refuses to require occupiers to guard adults against obvious risks they freely choose to run",
        ),
        (
            "Various Claimants v Catholic Child Welfare Society [2012] UKSC 56",
            "extends vicarious liability to relationships akin to employment",
        ),
        (
            "Mohamud v Wm Morrison Supermarkets plc [2016] UKSC 11",
            "asks whether the wrongful conduct was closely connected with the field of activities entrusted to the employee",
        ),
        (
            "WM Morrison Supermarkets plc v Various Claimants [2020] UKSC 12",
            "denies vicarious liability where the employee pursued a personal vendetta",
        ),
        (
            "Barclays Bank plc v Various Claimants [2020] UKSC 13",
            "excludes liability for the torts of genuinely independent contractors",
        ),
        (
            "Defamation Act 2013, s 1",
            "requires a statement to have caused or be likely to cause serious harm to reputation",
        ),
        (
            "Lachaux v Independent Print Ltd [2019] UKSC 27",
            "treats serious harm as a question of fact proved by reference to actual impact",
        ),
        (
            "Serafin v Malkiewicz [2020] UKSC 23",
            "clarifies the public interest defence and the conduct of fair trials in libel",
        ),
        (
            "Coventry v Lawrence [2014] UKSC 13",
            "gives courts a broad discretion to award damages in lieu of an injunction for nuisance",
        ),
        (
            "Fearn v Board of Trustees of the Tate Gallery [2023] UKSC 4",
            "holds that overlooking can amount to a private nuisance where it interferes substantially with ordinary use",
        ),
        (
            "Hunter v Canary Wharf Ltd [1997] AC 655",
            "confines standing in private nuisance to those with a proprietary interest",
        ),
        (
            "Rylands v Fletcher (1868) LR 3 HL 330",
            "imposes strict liability for the escape of dangerous things brought onto land",
        ),
        (
            "Meadows v Khan [2021] UKSC 21",
            "applies the scope-of-duty principle to clinical negligence",
        ),
    ),
    "uk:Company Law": (
        (
            "Salomon v A Salomon & Co Ltd [1897] AC 22",
            "establishes the separate legal personality of a registered company",
        ),
        (
            "Prest v Petrodel Resources Ltd [2013] UKSC 34",
            "limits piercing the corporate veil to evasion of an existing legal obligation",
        ),
        (
            "BTI 2014 LLC v Sequana SA [2022] UKSC 25",
            "requires directors to weigh creditors' interests once insolvency is imminent or probable",
        ),
        (
            "Companies Act 2006, s 172",
            "obliges directors to promote the success of the company for the benefit of its members as a whole",
        ),
        (
            "Companies Act 2006, s 174",
            "sets a duty of reasonable care, skill and diligence judged objectively and subjectively",
        ),
        (
            "Companies Act 2006, s 175",
            "requires directors to avoid conflicts of interest unless authorised",
        ),
        (
            "Companies Act 2006, s 994",
            "allows a member to petition where affairs are conducted in an unfairly prejudicial manner",
        ),
        (
            "Companies Act 2006, s 260",
            "places derivative claims on a statutory footing subject to the court's permission",
        ),
        (
            "Regal (Hastings) Ltd v Gulliver [1967] 2 AC 134",
            "makes fiduciaries account for profits made by reason of their office",
        ),
        (
            "Foss v Harbottle (1843) 2 Hare 461",
            "makes the company the proper claimant for wrongs done to it",
        ),
        (
            "O'Neill v Phillips [1999] 1 WLR 1092",
            "links unfair prejudice to the breach of agreed terms or equitable considerations",
        ),
        (
            "Ebrahimi v Westbourne Galleries Ltd [1973] AC 360",
            "permits just and equitable winding up of quasi-partnership companies",
        ),
        (
            "Eclairs Group Ltd v JKX Oil & Gas plc [2015] UKSC 71",
            "applies the proper purpose rule to directors' powers",
        ),
        (
            "Sevilleja v Marex Financial Ltd [2020] UKSC 31",
            "confines the reflective loss rule to shareholders' claims",
        ),
        (
            "Insolvency Act 1986, s 214",
            "makes directors liable for wrongful trading after the point of no reasonable prospect of avoiding insolvent liquidation",
        ),
        ("Insolvency Act 1986, s 238", "lets a liquidator unwind transactions at an undervalue"),
        (
            "Insolvency Act 1986, s 239",
            "avoids preferences given to a creditor in the run-up to insolvency",
        ),
        (
            "Re Produce Marketing Consortium Ltd (No 2) [1989] BCLC 520",
            "measures wrongful trading contributions by the loss caused to creditors",
        ),
        (
            "Bilta (UK) Ltd v Nazir (No 2) [2015] UKSC 23",
            "refuses to attribute directors' fraud to the company when it sues them",
        ),
        (
            "Macdonald v Carnbroe Estates Ltd [2019] UKSC 57",
            "explains how consideration is valued in a transaction at an undervalue",
        ),
        (
            "Company Directors Disqualification Act 1986, s 6",
            "requires disqualification of directors whose conduct makes them unfit",
        ),
    ),
    "uk:Employment Law": (
        (
            "Equality Act 2010, s 13",
            "defines direct discrimination as less favourable treatment because of a protected characteristic",
        ),
        (
            "Equality Act 2010, s 19",
            "prohibits unjustified provisions, criteria or practices that put a group at a particular disadvantage",
        ),
        (
            "Equality Act 2010, s 136",
            "shifts the burden of proof to the employer once facts are proved from which discrimination could be inferred",
        ),
        (
            "Royal Mail Group Ltd v Efobi [2021] UKSC 33",
            "confirms that the claimant must first prove facts from which discrimination could be inferred",
        ),
        (
            "Essop v Home Office [2017] UKSC 27",
            "holds that indirect discrimination need not explain why a criterion disadvantages a group",
        ),
        (
            "Employment Rights Act 1996, s 98",
            "lists the potentially fair reasons for dismissal and the reasonableness test",
        ),
        (
            "Employment Rights Act 1996, s 139",
            "defines redundancy by reference to a diminishing requirement for employees to do work of a particular kind",
        ),
        (
            "Employment Rights Act 1996, s 1",
            "requires a written statement of the particulars of employment",
        ),
        (
            "Uber BV v Aslam [2021] UKSC 5",
            "looks beyond contractual labels to the reality of the working relationship",
        ),
        (
            "Autoclenz Ltd v Belcher [2011] UKSC 41",
            "permits tribunals to disregard written terms that do not reflect the true agreement",
        ),
        (
            "Johnson v Unisys Ltd [2001] UKHL 13",
            "bars common law damages for the manner of dismissal",
        ),
        (
            "Edwards v Chesterfield Royal Hospital NHS Foundation Trust [2011] UKSC 58",
            "extends the Johnson exclusion zone to breaches of disciplinary procedures",
        ),
        (
            "Malik v Bank of Credit and Commerce International SA [1998] AC 20",
            "implies a term of mutual trust and confidence into contracts of employment",
        ),
        (
            "Western Excavating (ECC) Ltd v Sharp [1978] QB 761",
            "requires a repudiatory breach before an employee can claim constructive dismissal",
        ),
        (
            "British Home Stores Ltd v Burchell [1980] ICR 303",
            "sets out the reasonable belief test for conduct dismissals",
        ),
        (
            "Iceland Frozen Foods Ltd v Jones [1983] ICR 17",
            "applies the band of reasonable responses test",
        ),
        (
            "Polkey v AE Dayton Services Ltd [1988] AC 344",
            "holds that procedural failings can make a dismissal unfair even if the outcome would have been the same",
        ),
        (
            "Williams v Compair Maxam Ltd [1982] ICR 156",
            "sets out the principles of fair selection and consultation in redundancy",
        ),
        (
            "Murray v Foyle Meats Ltd [2000] 1 AC 51",
            "asks whether the dismissal was attributable to a diminished need for employees",
        ),
        (
            "Transfer of Undertakings (Protection of Employment) Regulations 2006, reg 4",
            "transfers contracts of employment automatically to the transferee",
        ),
        (
            "Transfer of Undertakings (Protection of Employment) Regulations 2006, reg 7",
            "makes dismissals by reason of the transfer automatically unfair",
        ),
        (
            "Litster v Forth Dry Dock & Engineering Co Ltd [1990] 1 AC 546",
            "protects employees dismissed shortly before a transfer",
        ),
    ),
    "uk:Property Law": (
        (
            "Law of Property Act 1925, s 1",
            "limits the legal estates in land to the freehold and the term of years absolute",
        ),
        ("Law of Property Act 1925, s 62", "passes easements and rights with a conveyance of land"),
        (
            "Law of Property Act 1925, s 84",
            "empowers the Upper Tribunal to discharge or modify restrictive covenants",
        ),
        (
            "Law of Property Act 1925, s 101",
            "confers a power of sale on a mortgagee under a mortgage by deed",
        ),
        (
            "Land Registration Act 2002, s 29",
            "postpones unprotected interests to a registered disposition for value",
        ),
        (
            "Land Registration Act 2002, s 58",
            "makes the register conclusive as to the proprietor of a legal estate",
        ),
        (
            "Land Registration Act 2002, Sch 3, para 2",
            "preserves the interests of persons in actual occupation as overriding interests",
        ),
        (
            "Williams & Glyn's Bank Ltd v Boland [1981] AC 487",
            "protects a beneficiary in actual occupation against a mortgagee",
        ),
        (
            "Abbey National Building Society v Cann [1991] 1 AC 56",
            "fixes the date of registration and acquisition for overriding interests",
        ),
        (
            "Street v Mountford [1985] AC 809",
            "treats exclusive possession for a term at a rent as a tenancy whatever the label",
        ),
        ("Re Ellenborough Park [1956] Ch 131", "states the four characteristics of an easement"),
        (
            "Regency Villas Title Ltd v Diamond Resorts (Europe) Ltd [2018] UKSC 57",
            "accepts that recreational rights can exist as easements",
        ),
        (
            "Tulk v Moxhay (1848) 2 Ph 774",
            "enforces restrictive covenants in equity against successors with notice",
        ),
        (
            "Alexander Devine Children's Cancer Trust v Housing Solutions Ltd [2020] UKSC 45",
            "considers cynical breach when modifying restrictive covenants",
        ),
        (
            "Cuckmere Brick Co Ltd v Mutual Finance Ltd [1971] Ch 949",
            "requires a mortgagee to take reasonable care to obtain the true market value on sale",
        ),
        (
            "Royal Bank of Scotland plc v Etridge (No 2) [2001] UKHL 44",
            "sets the steps a lender must take where a surety may be subject to undue influence",
        ),
        (
            "Landlord and Tenant Act 1985, s 11",
            "implies repairing obligations into short residential leases",
        ),
        (
            "Swift 1st Ltd v Chief Land Registrar [2015] EWCA Civ 330",
            "addresses indemnity where a registered charge was procured by fraud",
        ),
        (
            "Chaudhary v Yavuz [2011] EWCA Civ 1314",
            "holds that an unregistered easement did not bind a purchaser where the user was not in actual occupation",
        ),
    ),
    "uk:Criminal Law": (
        (
            "R v Woollin [1999] 1 AC 82",
            "allows intention to be found where death or serious harm was a virtual certainty and the defendant appreciated that",
        ),
        ("R v G [2003] UKHL 50", "adopts a subjective test of recklessness"),
        (
            "R v Jogee [2016] UKSC 8",
            "requires intention to assist or encourage for secondary liability",
        ),
        (
            "Ivey v Genting Casinos (UK) Ltd [2017] UKSC 67",
            "replaces the Ghosh test with an objective standard of dishonesty",
        ),
        (
            "R v Barton [2020] EWCA Crim 575",
            "confirms the Ivey test of dishonesty binds criminal courts",
        ),
        (
            "Fraud Act 2006, s 2",
            "criminalises dishonest false representations made with intent to gain or cause loss",
        ),
        ("Homicide Act 1957, s 2", "provides the partial defence of diminished responsibility"),
        ("Coroners and Justice Act 2009, s 54", "provides the partial defence of loss of control"),
        ("R v Adomako [1995] 1 AC 171", "sets the test for gross negligence manslaughter"),
        ("R v Cunningham [1957] 2 QB 396", "treats malice as foresight of the risk of harm"),
        ("R v Howe [1987] AC 417", "denies duress as a defence to murder"),
        (
            "R v Hasan [2005] UKHL 22",
            "excludes duress where the defendant voluntarily associated with criminals",
        ),
        (
            "Criminal Justice and Immigration Act 2008, s 76",
            "frames self-defence as reasonable force on the facts as the defendant believed them",
        ),
        (
            "R v Clinton [2012] EWCA Crim 2",
            "allows sexual infidelity to be considered as context in loss of control",
        ),
        (
            "Fagan v Metropolitan Police Commissioner [1969] 1 QB 439",
            "treats a continuing act as capable of coinciding with later mens rea",
        ),
        (
            "R v Miller [1983] 2 AC 161",
            "imposes liability for failing to counteract a danger one has created",
        ),
        (
            "R v Kennedy (No 2) [2007] UKHL 38",
            "holds that a free and informed voluntary act breaks the chain of causation",
        ),
        (
            "R v Golds [2016] UKSC 61",
            "construes 'substantially impaired' in diminished responsibility",
        ),
    ),
    "uk:Trusts Law": (
        (
            "Knight v Knight (1840) 3 Beav 148",
            "requires certainty of intention, subject matter and objects",
        ),
        (
            "Stack v Dowden [2007] UKHL 17",
            "presumes that joint legal owners of a home are joint beneficial owners",
        ),
        (
            "Jones v Kernott [2011] UKSC 53",
            "allows shares to be inferred or imputed from the whole course of dealing",
        ),
        (
            "Lloyds Bank plc v Rosset [1991] 1 AC 107",
            "requires a common intention to share for a constructive trust of the home",
        ),
        (
            "FHR European Ventures LLP v Cedar Capital Partners LLC [2014] UKSC 45",
            "holds bribes and secret commissions on constructive trust for the principal",
        ),
        (
            "Boardman v Phipps [1967] 2 AC 46",
            "makes fiduciaries account for profits from opportunities obtained through their position",
        ),
        (
            "Target Holdings Ltd v Redferns [1996] AC 421",
            "requires a causal link between breach of trust and loss for equitable compensation",
        ),
        (
            "AIB Group (UK) plc v Mark Redler & Co Solicitors [2014] UKSC 58",
            "confirms equitable compensation is assessed with the benefit of hindsight",
        ),
        ("Trustee Act 2000, s 1", "imposes a statutory duty of care on trustees"),
        (
            "Trustee Act 1925, s 61",
            "allows the court to relieve a trustee who acted honestly and reasonably",
        ),
        ("Charities Act 2011, s 3", "lists the descriptions of charitable purposes"),
        (
            "Charities Act 2011, s 4",
            "requires every charitable purpose to be for the public benefit",
        ),
        (
            "Independent Schools Council v Charity Commission [2011] UKUT 421 (TCC)",
            "examines public benefit for fee-charging schools",
        ),
        (
            "Oppenheim v Tobacco Securities Trust Co Ltd [1951] AC 297",
            "rejects a personal nexus as a public class for educational trusts",
        ),
        (
            "Royal Brunei Airlines Sdn Bhd v Tan [1995] 2 AC 378",
            "bases accessory liability for breach of trust on dishonest assistance",
        ),
        (
            "Pitt v Holt [2013] UKSC 26",
            "narrows the rule in Hastings-Bass and rescission for mistake",
        ),
        (
            "Williams v Central Bank of Nigeria [2014] UKSC 10",
            "limits the exception to limitation to trustees in the strict sense",
        ),
        (
            "Limitation Act 1980, s 21",
            "sets limitation periods for actions in respect of trust property",
        ),
    ),
    "uk:Family Law": (
        (
            "Matrimonial Causes Act 1973, s 1",
            "now allows divorce on a statement of irretrievable breakdown without proof of fault",
        ),
        (
            "Matrimonial Causes Act 1973, s 25",
            "lists the factors the court weighs on financial remedies",
        ),
        (
            "Divorce, Dissolution and Separation Act 2020, s 1",
            "introduces no-fault divorce and a minimum period before the conditional order",
        ),
        (
            "Owens v Owens [2018] UKSC 41",
            "illustrates the harshness of the old fault-based divorce regime",
        ),
        (
            "White v White [2001] 1 AC 596",
            "tests financial awards against the yardstick of equality",
        ),
        (
            "Miller v Miller; McFarlane v McFarlane [2006] UKHL 24",
            "identifies needs, compensation and sharing as the principles of fairness",
        ),
        (
            "Radmacher v Granatino [2010] UKSC 42",
            "gives effect to freely entered nuptial agreements unless unfair",
        ),
        (
            "Sharland v Sharland [2015] UKSC 60",
            "allows consent orders procured by fraudulent non-disclosure to be set aside",
        ),
        ("Wyatt v Vince [2015] UKSC 14", "permits a financial claim to proceed long after divorce"),
        ("Children Act 1989, s 1", "makes the child's welfare the court's paramount consideration"),
        (
            "Children Act 1989, s 8",
            "empowers the court to make child arrangements and specific issue orders",
        ),
        (
            "Re B (A Child) [2013] UKSC 33",
            "requires proportionality before permanent removal of a child",
        ),
        (
            "Re G (Children) [2006] UKHL 43",
            "recognises the importance of a child being raised by a natural parent",
        ),
        (
            "Payne v Payne [2001] EWCA Civ 166",
            "guides courts on applications to relocate children abroad",
        ),
        (
            "Children and Families Act 2014, s 10",
            "requires attendance at a mediation information meeting before applying",
        ),
    ),
    "uk:Tax Law": (
        (
            "Taxation of Chargeable Gains Act 1992, s 1",
            "charges capital gains tax on chargeable gains accruing on disposals",
        ),
        (
            "Taxation of Chargeable Gains Act 1992, s 222",
            "provides private residence relief on a dwelling-house",
        ),
        (
            "WT Ramsay Ltd v IRC [1982] AC 300",
            "allows pre-ordained composite transactions to be viewed as a whole",
        ),
        (
            "Barclays Mercantile Business Finance Ltd v Mawson [2004] UKHL 51",
            "applies a purposive construction to realistically viewed facts",
        ),
        (
            "UBS AG v HMRC [2016] UKSC 13",
            "construes tax reliefs by reference to their evident purpose",
        ),
        (
            "Rossendale Borough Council v Hurstwood Properties (A) Ltd [2021] UKSC 16",
            "applies the Ramsay approach to non-domestic rates avoidance",
        ),
        (
            "Value Added Tax Act 1994, s 4",
            "charges VAT on taxable supplies made in the course of business",
        ),
        (
            "Value Added Tax Act 1994, s 19",
            "fixes the value of a supply by the consideration given",
        ),
        (
            "HMRC v Littlewoods Ltd [2017] UKSC 70",
            "denies compound interest on overpaid VAT beyond the statutory scheme",
        ),
        (
            "Income Tax (Earnings and Pensions) Act 2003, s 62",
            "defines taxable earnings from an employment",
        ),
        (
            "Income Tax (Trading and Other Income) Act 2005, s 25",
            "computes trading profits in accordance with generally accepted accounting practice",
        ),
        (
            "RFC 2012 plc v Advocate General for Scotland [2017] UKSC 45",
            "taxes earnings redirected to a third party as the employee's emoluments",
        ),
        (
            "HMRC v Tooth [2021] UKSC 17",
            "construes deliberate inaccuracy for extended discovery time limits",
        ),
        (
            "HMRC v Fisher [2023] UKSC 44",
            "limits the transfer of assets abroad charge to transferors",
        ),
        (
            "Finance Act 2013, s 207",
            "defines abusive tax arrangements under the general anti-abuse rule",
        ),
        (
            "Pepper v Hart [1993] AC 593",
            "permits reference to Hansard where legislation is ambiguous",
        ),
    ),
    "uk:Administrative Law": (
        (
            "Associated Provincial Picture Houses Ltd v Wednesbury Corporation [1948] 1 KB 223",
            "sets the threshold of irrationality for public decisions",
        ),
        (
            "Council of Civil Service Unions v Minister for the Civil Service [1985] AC 374",
            "classifies the grounds of review as illegality, irrationality and procedural impropriety",
        ),
        (
            "R (Miller) v The Prime Minister [2019] UKSC 41",
            "treats the limits of prerogative power as justiciable",
        ),
        (
            "R (UNISON) v Lord Chancellor [2017] UKSC 51",
            "protects the constitutional right of access to justice",
        ),
        (
            "R (Privacy International) v Investigatory Powers Tribunal [2019] UKSC 22",
            "reads ouster clauses narrowly to preserve judicial review",
        ),
        (
            "Senior Courts Act 1981, s 31",
            "governs applications for judicial review and the remedies available",
        ),
        (
            "Human Rights Act 1998, s 6",
            "makes it unlawful for a public authority to act incompatibly with Convention rights",
        ),
        (
            "Human Rights Act 1998, s 3",
            "requires legislation to be read compatibly with Convention rights so far as possible",
        ),
        (
            "Ridge v Baldwin [1964] AC 40",
            "requires a fair hearing before a decision affecting rights",
        ),
        (
            "Anisminic Ltd v Foreign Compensation Commission [1969] 2 AC 147",
            "treats errors of law as going to jurisdiction",
        ),
        (
            "R v North and East Devon Health Authority, ex p Coughlan [2001] QB 213",
            "protects substantive legitimate expectations",
        ),
        (
            "R (Begum) v Special Immigration Appeals Commission [2021] UKSC 7",
            "stresses deference to the executive on national security assessments",
        ),
        (
            "Criminal Justice and Courts Act 2015, s 84",
            "requires relief to be refused where the outcome would be highly likely to be the same",
        ),
        (
            "Judicial Review and Courts Act 2022, s 1",
            "introduces suspended and prospective-only quashing orders",
        ),
        (
            "O'Reilly v Mackman [1983] 2 AC 237",
            "requires public law challenges to proceed by judicial review",
        ),
    ),
    "uk:Legal Ethics": (
        (
            "Prince Jefri Bolkiah v KPMG [1999] 2 AC 222",
            "bars acting against a former client where confidential information is at real risk of misuse",
        ),
        (
            "Three Rivers District Council v Governor and Company of the Bank of England (No 6) [2004] UKHL 48",
            "defines the scope of legal advice privilege",
        ),
        (
            "R v Derby Magistrates' Court, ex p B [1996] AC 487",
            "treats legal professional privilege as absolute",
        ),
        (
            "R (Prudential plc) v Special Commissioner of Income Tax [2013] UKSC 1",
            "confines legal advice privilege to advice from lawyers",
        ),
        (
            "Hilton v Barker Booth & Eastwood [2005] UKHL 8",
            "holds that a solicitor acting for both sides cannot excuse non-disclosure by a duty to the other client",
        ),
        (
            "Director of the Serious Fraud Office v Eurasian Natural Resources Corp Ltd [2018] EWCA Civ 2006",
            "extends litigation privilege to documents prepared when prosecution was reasonably contemplated",
        ),
        (
            "Legal Services Act 2007, s 1",
            "lists the regulatory objectives including professional principles",
        ),
        (
            "Proceeds of Crime Act 2002, s 328",
            "criminalises arrangements facilitating the acquisition of criminal property",
        ),
        (
            "Proceeds of Crime Act 2002, s 330",
            "imposes a duty in the regulated sector to report suspected money laundering",
        ),
        (
            "Money Laundering, Terrorist Financing and Transfer of Funds (Information on the Payer) Regulations 2017, reg 28",
            "sets customer due diligence measures",
        ),
        (
            "Bowman v Fels [2005] EWCA Civ 226",
            "excludes ordinary conduct of litigation from the s 328 arrangement offence",
        ),
        (
            "K Ltd v National Westminster Bank plc [2006] EWCA Civ 1039",
            "upholds a bank's refusal to act pending consent under the Proceeds of Crime Act",
        ),
        (
            "Shah v HSBC Private Bank (UK) Ltd [2010] EWCA Civ 31",
            "considers a bank's position when reporting suspicion without telling its customer",
        ),
    ),
    "uk:*": (
        (
            "Pepper v Hart [1993] AC 593",
            "permits reference to Hansard where legislation is ambiguous",
        ),
        (
            "Human Rights Act 1998, s 3",
            "requires legislation to be read compatibly with Convention rights so far as possible",
        ),
        (
            "R (Miller) v Secretary of State for Exiting the European Union [2017] UKSC 5",
            "affirms that the prerogative cannot alter domestic law or rights",
        ),
        (
            "Donoghue v Stevenson [1932] AC 562",
            "founds the modern duty of care on the neighbour principle",
        ),
    ),
    # ------------------------------------------------------------------ United States
    "us:Constitutional Law": (
        (
            "New York Times Co. v. Sullivan, 376 U.S. 254 (1964)",
            "requires public officials to prove actual malice in defamation suits",
        ),
        (
            "Brandenburg v. Ohio, 395 U.S. 444 (1969)",
            "protects advocacy unless directed to inciting imminent lawless action",
        ),
        (
            "Citizens United v. FEC, 558 U.S. 310 (2010)",
            "protects independent political expenditures by corporations",
        ),
        (
            "Tinker v. Des Moines Independent Community School District, 393 U.S. 503 (1969)",
            "protects student speech absent substantial disruption",
        ),
        (
            "Reed v. Town of Gilbert, 576 U.S. 155 (2015)",
            "subjects content-based speech regulations to strict scrutiny",
        ),
        (
            "303 Creative LLC v. Elenis, 600 U.S. 570 (2023)",
            "bars compelling expressive speech that conveys a message the speaker rejects",
        ),
        (
            "Mathews v. Eldridge, 424 U.S. 319 (1976)",
            "balances private interest, risk of error and government burden in procedural due process",
        ),
        (
            "Goldberg v. Kelly, 397 U.S. 254 (1970)",
            "requires an evidentiary hearing before termination of welfare benefits",
        ),
        (
            "Obergefell v. Hodges, 576 U.S. 644 (2015)",
            "recognises the right to marry as fundamental under due process and equal protection",
        ),
        (
            "Dobbs v. Jackson Women's Health Organization, 597 U.S. 215 (2022)",
            "limits unenumerated rights to those deeply rooted in history and tradition",
        ),
        (
            "Washington v. Glucksberg, 521 U.S. 702 (1997)",
            "frames substantive due process by careful description of the asserted right",
        ),
        (
            "Brown v. Board of Education, 347 U.S. 483 (1954)",
            "holds racially segregated public schools inherently unequal",
        ),
        (
            "Students for Fair Admissions, Inc. v. President & Fellows of Harvard College, 600 U.S. 181 (2023)",
            "applies strict scrutiny to race-conscious admissions",
        ),
        (
            "City of Cleburne v. Cleburne Living Center, Inc., 473 U.S. 432 (1985)",
            "invalidates classifications resting on irrational prejudice",
        ),
        (
            "United States v. Virginia, 518 U.S. 515 (1996)",
            "requires an exceedingly persuasive justification for sex-based classifications",
        ),
        (
            "Craig v. Boren, 429 U.S. 190 (1976)",
            "applies intermediate scrutiny to gender classifications",
        ),
        (
            "42 U.S.C. § 1983",
            "provides a cause of action against state actors who deprive persons of federal rights",
        ),
        (
            "U.S. Const. amend. XIV, § 1",
            "guarantees due process and equal protection against the states",
        ),
    ),
    "us:Federal Civil Procedure": (
        (
            "International Shoe Co. v. Washington, 326 U.S. 310 (1945)",
            "requires minimum contacts consistent with fair play and substantial justice",
        ),
        (
            "Daimler AG v. Bauman, 571 U.S. 117 (2014)",
            "confines general jurisdiction to where a corporation is essentially at home",
        ),
        (
            "Ford Motor Co. v. Montana Eighth Judicial District Court, 592 U.S. 351 (2021)",
            "accepts claims that relate to forum contacts without strict causation",
        ),
        (
            "Bristol-Myers Squibb Co. v. Superior Court, 582 U.S. 255 (2017)",
            "requires a connection between the forum and each plaintiff's specific claims",
        ),
        (
            "Goodyear Dunlop Tires Operations, S.A. v. Brown, 564 U.S. 915 (2011)",
            "rejects stream-of-commerce sales as a basis for general jurisdiction",
        ),
        (
            "Mallory v. Norfolk Southern Railway Co., 600 U.S. 122 (2023)",
            "upholds jurisdiction based on consent through corporate registration",
        ),
        (
            "Burger King Corp. v. Rudzewicz, 471 U.S. 462 (1985)",
            "finds purposeful availment in a deliberate long-term contractual relationship",
        ),
        (
            "World-Wide Volkswagen Corp. v. Woodson, 444 U.S. 286 (1980)",
            "rejects jurisdiction based on the unilateral acts of consumers",
        ),
        ("28 U.S.C. § 1331", "grants federal question jurisdiction"),
        (
            "28 U.S.C. § 1332",
            "grants diversity jurisdiction above the amount-in-controversy threshold",
        ),
        ("28 U.S.C. § 1367", "grants supplemental jurisdiction over related claims"),
        (
            "Louisville & Nashville Railroad Co. v. Mottley, 211 U.S. 149 (1908)",
            "adopts the well-pleaded complaint rule",
        ),
        (
            "Hertz Corp. v. Friend, 559 U.S. 77 (2010)",
            "locates a corporation's principal place of business at its nerve center",
        ),
        (
            "Exxon Mobil Corp. v. Allapattah Services, Inc., 545 U.S. 546 (2005)",
            "allows supplemental jurisdiction over co-plaintiffs below the amount in controversy",
        ),
        (
            "Grable & Sons Metal Products, Inc. v. Darue Engineering & Manufacturing, 545 U.S. 308 (2005)",
            "permits federal jurisdiction over state claims raising substantial federal issues",
        ),
    ),
    "us:Torts": (
        (
            "MacPherson v. Buick Motor Co., 217 N.Y. 382 (1916)",
            "extends a manufacturer's duty of care beyond privity of contract",
        ),
        (
            "Greenman v. Yuba Power Products, Inc., 59 Cal. 2d 57 (1963)",
            "imposes strict liability on manufacturers of defective products",
        ),
        (
            "Escola v. Coca-Cola Bottling Co., 24 Cal. 2d 453 (1944)",
            "contains the influential concurrence urging enterprise liability",
        ),
        (
            "Barker v. Lull Engineering Co., 20 Cal. 3d 413 (1978)",
            "adopts consumer expectation and risk-benefit tests for design defect",
        ),
        (
            "Restatement (Third) of Torts: Products Liability § 2 (1998)",
            "defines manufacturing, design and warning defects",
        ),
        (
            "Garratt v. Dailey, 46 Wash. 2d 197 (1955)",
            "finds intent where the actor knew with substantial certainty that contact would result",
        ),
        (
            "Vosburg v. Putney, 80 Wis. 523 (1891)",
            "makes an intentional wrongdoer liable for unforeseen consequences",
        ),
        (
            "Katko v. Briney, 183 N.W.2d 657 (Iowa 1971)",
            "forbids using deadly force to protect property alone",
        ),
        (
            "Restatement (Second) of Torts § 46 (1965)",
            "defines intentional infliction of emotional distress",
        ),
        (
            "Palsgraf v. Long Island Railroad Co., 248 N.Y. 339 (1928)",
            "limits duty to foreseeable plaintiffs",
        ),
        (
            "Snyder v. Phelps, 562 U.S. 443 (2011)",
            "bars tort liability for speech on matters of public concern",
        ),
    ),
    "us:Contracts": (
        ("U.C.C. § 2-207", "governs additional terms in acceptances and the battle of the forms"),
        ("U.C.C. § 2-201", "requires a signed writing for sales of goods of $500 or more"),
        ("U.C.C. § 2-314", "implies a warranty of merchantability in sales by merchants"),
        ("U.C.C. § 2-302", "allows courts to refuse enforcement of unconscionable terms"),
        (
            "Hill v. Gateway 2000, Inc., 105 F.3d 1147 (7th Cir. 1997)",
            "enforces terms shipped with goods where the buyer keeps them",
        ),
        (
            "ProCD, Inc. v. Zeidenberg, 86 F.3d 1447 (7th Cir. 1996)",
            "enforces shrinkwrap licences accepted by conduct",
        ),
        (
            "Williams v. Walker-Thomas Furniture Co., 350 F.2d 445 (D.C. Cir. 1965)",
            "recognises unconscionability as a defence",
        ),
        ("Lucy v. Zehmer, 196 Va. 493 (1954)", "applies the objective theory of assent"),
        (
            "Crabtree v. Elizabeth Arden Sales Corp., 305 N.Y. 48 (1953)",
            "allows several writings to satisfy the statute of frauds",
        ),
        (
            "Restatement (Second) of Contracts § 139 (1981)",
            "permits enforcement despite the statute of frauds where reliance makes injustice avoidable only by enforcement",
        ),
        (
            "Monarco v. Lo Greco, 35 Cal. 2d 621 (1950)",
            "estops reliance on the statute of frauds after serious detrimental reliance",
        ),
        (
            "Jacob & Youngs, Inc. v. Kent, 230 N.Y. 239 (1921)",
            "applies substantial performance and measures damages by diminution in value",
        ),
        (
            "Alaska Packers' Ass'n v. Domenico, 117 F. 99 (9th Cir. 1902)",
            "refuses to enforce a modification unsupported by new consideration",
        ),
    ),
    "us:Criminal Law": (
        (
            "Miranda v. Arizona, 384 U.S. 436 (1966)",
            "requires warnings before custodial interrogation",
        ),
        (
            "Dickerson v. United States, 530 U.S. 428 (2000)",
            "holds Miranda to be a constitutional rule Congress cannot override",
        ),
        (
            "Berghuis v. Thompkins, 560 U.S. 370 (2010)",
            "requires an unambiguous invocation of the right to remain silent",
        ),
        (
            "Missouri v. Seibert, 542 U.S. 600 (2004)",
            "rejects deliberate two-step interrogations that undermine warnings",
        ),
        (
            "Vega v. Tekoh, 597 U.S. 134 (2022)",
            "denies a section 1983 claim for Miranda violations alone",
        ),
        (
            "Edwards v. Arizona, 451 U.S. 477 (1981)",
            "bars further interrogation after a request for counsel",
        ),
        (
            "J.D.B. v. North Carolina, 564 U.S. 261 (2011)",
            "considers a child's age in the custody analysis",
        ),
        (
            "Katz v. United States, 389 U.S. 347 (1967)",
            "protects reasonable expectations of privacy",
        ),
        ("Terry v. Ohio, 392 U.S. 1 (1968)", "permits brief stops on reasonable suspicion"),
        ("Mapp v. Ohio, 367 U.S. 643 (1961)", "applies the exclusionary rule to the states"),
        (
            "Carpenter v. United States, 585 U.S. 296 (2018)",
            "requires a warrant for historical cell-site location records",
        ),
        (
            "Riley v. California, 573 U.S. 373 (2014)",
            "requires a warrant to search a cell phone seized incident to arrest",
        ),
        (
            "United States v. Jones, 565 U.S. 400 (2012)",
            "treats installing a GPS tracker on a vehicle as a search",
        ),
        (
            "Illinois v. Gates, 462 U.S. 213 (1983)",
            "adopts the totality-of-the-circumstances test for probable cause",
        ),
    ),
    "us:Corporate Law": (
        (
            "Smith v. Van Gorkom, 488 A.2d 858 (Del. 1985)",
            "finds directors grossly negligent for an uninformed sale decision",
        ),
        (
            "Revlon, Inc. v. MacAndrews & Forbes Holdings, Inc., 506 A.2d 173 (Del. 1986)",
            "requires maximising value once a sale becomes inevitable",
        ),
        (
            "Unocal Corp. v. Mesa Petroleum Co., 493 A.2d 946 (Del. 1985)",
            "applies enhanced scrutiny to defensive measures",
        ),
        ("Aronson v. Lewis, 473 A.2d 805 (Del. 1984)", "states the business judgment presumption"),
        (
            "In re Caremark International Inc. Derivative Litigation, 698 A.2d 959 (Del. Ch. 1996)",
            "imposes a duty of oversight on directors",
        ),
        (
            "Marchand v. Barnhill, 212 A.3d 805 (Del. 2019)",
            "sustains a Caremark claim where no board-level monitoring existed",
        ),
        (
            "Kahn v. M&F Worldwide Corp., 88 A.3d 635 (Del. 2014)",
            "restores business judgment review to controller deals with dual protections",
        ),
        (
            "Corwin v. KKR Financial Holdings LLC, 125 A.3d 304 (Del. 2015)",
            "cleanses transactions approved by a fully informed uncoerced vote",
        ),
        (
            "Weinberger v. UOP, Inc., 457 A.2d 701 (Del. 1983)",
            "applies entire fairness to self-dealing mergers",
        ),
        (
            "United Food & Commercial Workers Union v. Zuckerberg, 262 A.3d 1034 (Del. 2021)",
            "restates the demand futility test",
        ),
        ("Del. Code Ann. tit. 8, § 141(a)", "vests management in the board of directors"),
        (
            "Del. Code Ann. tit. 8, § 102(b)(7)",
            "permits exculpation of directors for duty of care breaches",
        ),
        (
            "Del. Code Ann. tit. 8, § 220",
            "grants stockholders inspection rights for a proper purpose",
        ),
    ),
    "us:Securities Law": (
        ("SEC v. W.J. Howey Co., 328 U.S. 293 (1946)", "defines an investment contract"),
        (
            "Basic Inc. v. Levinson, 485 U.S. 224 (1988)",
            "adopts the fraud-on-the-market presumption of reliance",
        ),
        (
            "TSC Industries, Inc. v. Northway, Inc., 426 U.S. 438 (1976)",
            "defines materiality by the total mix of information",
        ),
        (
            "Dirks v. SEC, 463 U.S. 646 (1983)",
            "conditions tippee liability on a personal benefit to the tipper",
        ),
        (
            "United States v. O'Hagan, 521 U.S. 642 (1997)",
            "endorses the misappropriation theory of insider trading",
        ),
        (
            "Morrison v. National Australia Bank Ltd., 561 U.S. 247 (2010)",
            "limits section 10(b) to domestic transactions",
        ),
        (
            "Tellabs, Inc. v. Makor Issues & Rights, Ltd., 551 U.S. 308 (2007)",
            "requires a strong inference of scienter at the pleading stage",
        ),
        (
            "Lorenzo v. SEC, 587 U.S. 71 (2019)",
            "extends scheme liability to disseminators of false statements",
        ),
        (
            "SEC v. Jarkesy, 603 U.S. 109 (2024)",
            "requires a jury trial for civil penalties for securities fraud",
        ),
        ("15 U.S.C. § 78j(b)", "prohibits manipulative or deceptive devices in securities trading"),
        (
            "17 C.F.R. § 240.10b-5",
            "prohibits material misstatements and omissions in connection with securities trading",
        ),
        ("15 U.S.C. § 77e", "requires registration before securities are offered or sold"),
    ),
    "us:Intellectual Property": (
        (
            "Alice Corp. v. CLS Bank International, 573 U.S. 208 (2014)",
            "applies a two-step test to abstract ideas",
        ),
        (
            "KSR International Co. v. Teleflex Inc., 550 U.S. 398 (2007)",
            "adopts a flexible approach to obviousness",
        ),
        (
            "Diamond v. Chakrabarty, 447 U.S. 303 (1980)",
            "allows patents on man-made living organisms",
        ),
        (
            "Mayo Collaborative Services v. Prometheus Laboratories, Inc., 566 U.S. 66 (2012)",
            "excludes laws of nature with conventional steps from patentability",
        ),
        (
            "Amgen Inc. v. Sanofi, 598 U.S. 594 (2023)",
            "requires enablement commensurate with the claimed genus",
        ),
        (
            "Nautilus, Inc. v. Biosig Instruments, Inc., 572 U.S. 898 (2014)",
            "requires claims to inform skilled artisans with reasonable certainty",
        ),
        ("35 U.S.C. § 101", "defines patent-eligible subject matter"),
        ("35 U.S.C. § 103", "bars patents on obvious inventions"),
        (
            "Campbell v. Acuff-Rose Music, Inc., 510 U.S. 569 (1994)",
            "emphasises transformative use in fair use",
        ),
        (
            "Andy Warhol Foundation for the Visual Arts, Inc. v. Goldsmith, 598 U.S. 508 (2023)",
            "weighs the purpose of the specific use under the first factor",
        ),
        (
            "Google LLC v. Oracle America, Inc., 593 U.S. 1 (2021)",
            "finds reimplementation of an interface to be fair use",
        ),
        (
            "Harper & Row, Publishers, Inc. v. Nation Enterprises, 471 U.S. 539 (1985)",
            "weighs the unpublished nature of a work against fair use",
        ),
        (
            "Sony Corp. of America v. Universal City Studios, Inc., 464 U.S. 417 (1984)",
            "treats time-shifting as fair use",
        ),
        ("17 U.S.C. § 107", "lists the four statutory fair use factors"),
    ),
    "us:*": (
        ("Marbury v. Madison, 5 U.S. 137 (1803)", "establishes judicial review"),
        (
            "Erie Railroad Co. v. Tompkins, 304 U.S. 64 (1938)",
            "requires federal courts to apply state substantive law in diversity cases",
        ),
        (
            "Loper Bright Enterprises v. Raimondo, 603 U.S. 369 (2024)",
            "requires courts to exercise independent judgment on statutory meaning",
        ),
    ),
    # ------------------------------------------------------------------ European Union
    "eu:EU Competition Law": (
        (
            "Article 101 TFEU",
            "prohibits agreements and concerted practices that restrict competition",
        ),
        ("Article 102 TFEU", "prohibits the abuse of a dominant position"),
        (
            "Case C-67/13 P Groupement des cartes bancaires v Commission (ECLI:EU:C:2014:2204)",
            "confines restrictions by object to conduct revealing sufficient harm",
        ),
        (
            "Case C-8/08 T-Mobile Netherlands (ECLI:EU:C:2009:343)",
            "treats a single meeting exchanging information as a concerted practice",
        ),
        (
            "Case C-439/09 Pierre Fabre Dermo-Cosmétique (ECLI:EU:C:2011:649)",
            "treats an outright online sales ban as a restriction by object",
        ),
        (
            "Case C-230/16 Coty Germany (ECLI:EU:C:2017:941)",
            "permits luxury brands to ban sales through third-party platforms",
        ),
        (
            "Case C-228/18 Budapest Bank (ECLI:EU:C:2020:265)",
            "requires experience of harmfulness before labelling conduct a restriction by object",
        ),
        (
            "Case 27/76 United Brands v Commission (ECLI:EU:C:1978:22)",
            "defines dominance as economic strength enabling independent behaviour",
        ),
        (
            "Case 85/76 Hoffmann-La Roche v Commission (ECLI:EU:C:1979:36)",
            "condemns fidelity rebates by dominant undertakings",
        ),
        (
            "Case C-413/14 P Intel v Commission (ECLI:EU:C:2017:632)",
            "requires assessment of a rebate scheme's capacity to foreclose",
        ),
        (
            "Case C-209/10 Post Danmark (ECLI:EU:C:2012:172)",
            "tolerates competition on the merits that removes less efficient rivals",
        ),
        (
            "Case C-457/10 P AstraZeneca v Commission (ECLI:EU:C:2012:770)",
            "treats misleading patent office representations as an abuse",
        ),
        (
            "Case C-48/22 P Google and Alphabet v Commission (ECLI:EU:C:2024:726)",
            "upholds the self-preferencing finding in Google Shopping",
        ),
        (
            "Case C-377/20 Servizio Elettrico Nazionale (ECLI:EU:C:2022:379)",
            "requires exclusionary capability assessed against an as-efficient competitor",
        ),
        ("Regulation (EC) No 1/2003", "decentralises enforcement of Articles 101 and 102 TFEU"),
        ("Regulation (EU) 2022/720", "exempts vertical agreements below market share thresholds"),
        ("Regulation (EU) 2022/1925", "imposes ex ante obligations on digital gatekeepers"),
    ),
    "eu:Data Protection": (
        (
            "Regulation (EU) 2016/679, Article 6",
            "lists the lawful bases for processing personal data",
        ),
        ("Regulation (EU) 2016/679, Article 17", "grants the right to erasure"),
        (
            "Regulation (EU) 2016/679, Article 82",
            "provides compensation for damage caused by infringements",
        ),
        ("Regulation (EU) 2016/679, Article 83", "sets the conditions for administrative fines"),
        (
            "Case C-131/12 Google Spain (ECLI:EU:C:2014:317)",
            "recognises a right to delisting against search engines",
        ),
        (
            "Case C-311/18 Data Protection Commissioner v Facebook Ireland and Schrems (ECLI:EU:C:2020:559)",
            "invalidates the Privacy Shield and conditions standard contractual clauses",
        ),
        (
            "Case C-136/17 GC and Others v CNIL (ECLI:EU:C:2019:773)",
            "applies special category rules to search engine operators",
        ),
        (
            "Case C-507/17 Google v CNIL (ECLI:EU:C:2019:772)",
            "limits delisting obligations in principle to EU versions of a search engine",
        ),
        (
            "Case C-460/20 TU and RE v Google (ECLI:EU:C:2022:962)",
            "addresses delisting where the accuracy of content is disputed",
        ),
        (
            "Case C-300/21 Österreichische Post (ECLI:EU:C:2023:370)",
            "requires actual damage but no seriousness threshold for compensation",
        ),
        (
            "Case C-252/21 Meta Platforms v Bundeskartellamt (ECLI:EU:C:2023:537)",
            "narrows contractual necessity and legitimate interests for behavioural advertising",
        ),
        (
            "Case C-673/17 Planet49 (ECLI:EU:C:2019:801)",
            "rejects pre-ticked boxes as valid consent",
        ),
        (
            "Case C-634/21 SCHUFA Holding (ECLI:EU:C:2023:957)",
            "treats credit scoring as automated decision-making",
        ),
        (
            "Article 8 of the Charter of Fundamental Rights of the European Union",
            "protects personal data as a fundamental right",
        ),
    ),
    "eu:EU Consumer Law": (
        ("Directive 2011/83/EU", "harmonises pre-contractual information and withdrawal rights"),
        ("Directive (EU) 2019/2161", "strengthens enforcement and penalties in consumer law"),
        ("Directive 2005/29/EC", "prohibits unfair commercial practices"),
        (
            "Case C-649/17 Amazon EU (ECLI:EU:C:2019:576)",
            "requires a means of communication that is quick and effective",
        ),
        (
            "Case C-430/17 Walbusch Walter Busch (ECLI:EU:C:2019:47)",
            "addresses withdrawal information in space-limited advertising",
        ),
        (
            "Case C-681/17 slewo (ECLI:EU:C:2019:255)",
            "preserves withdrawal rights for unsealed mattresses",
        ),
        (
            "Case C-249/21 Fuhrmann-2 (ECLI:EU:C:2022:269)",
            "requires online order buttons to signal an obligation to pay",
        ),
    ),
    "eu:EU Contract Law": (
        ("Directive 93/13/EEC", "protects consumers against unfair terms"),
        (
            "Case C-415/11 Aziz (ECLI:EU:C:2013:164)",
            "sets out the criteria for significant imbalance",
        ),
        (
            "Case C-26/13 Kásler and Káslerné Rábai (ECLI:EU:C:2014:282)",
            "requires core terms to be transparent",
        ),
        (
            "Case C-240/98 Océano Grupo Editorial (ECLI:EU:C:2000:346)",
            "allows courts to assess unfairness of their own motion",
        ),
        (
            "Case C-618/10 Banco Español de Crédito (ECLI:EU:C:2012:349)",
            "forbids national courts from revising unfair terms",
        ),
        (
            "Case C-154/15 Gutiérrez Naranjo (ECLI:EU:C:2016:980)",
            "requires full restitution of sums paid under unfair terms",
        ),
    ),
    "eu:Free Movement": (
        (
            "Article 34 TFEU",
            "prohibits quantitative restrictions on imports and equivalent measures",
        ),
        ("Article 36 TFEU", "permits justified restrictions on grounds such as public health"),
        ("Article 49 TFEU", "guarantees freedom of establishment"),
        (
            "Case C-55/94 Gebhard (ECLI:EU:C:1995:411)",
            "sets the four-condition test for justifying restrictions",
        ),
        (
            "Case C-212/97 Centros (ECLI:EU:C:1999:126)",
            "permits incorporation in the member state with the most favourable rules",
        ),
        (
            "Case C-208/00 Überseering (ECLI:EU:C:2002:632)",
            "requires recognition of companies validly formed elsewhere",
        ),
        (
            "Case C-106/16 Polbud (ECLI:EU:C:2017:804)",
            "protects cross-border conversion without a transfer of real seat",
        ),
        (
            "Case C-438/05 Viking Line (ECLI:EU:C:2007:772)",
            "applies establishment rights to collective action",
        ),
        (
            "Case 8/74 Dassonville (ECLI:EU:C:1974:82)",
            "defines measures having equivalent effect broadly",
        ),
        (
            "Case 120/78 Rewe-Zentral (Cassis de Dijon) (ECLI:EU:C:1979:42)",
            "introduces mutual recognition and mandatory requirements",
        ),
        (
            "Joined Cases C-267/91 and C-268/91 Keck and Mithouard (ECLI:EU:C:1993:905)",
            "excludes non-discriminatory selling arrangements",
        ),
        (
            "Case C-110/05 Commission v Italy (ECLI:EU:C:2009:66)",
            "applies a market access test to use restrictions",
        ),
        (
            "Case C-333/14 Scotch Whisky Association (ECLI:EU:C:2015:845)",
            "subjects minimum unit pricing to a proportionality review",
        ),
    ),
    "eu:State Aid": (
        ("Article 107 TFEU", "declares state aid incompatible with the internal market"),
        ("Article 108 TFEU", "requires notification and standstill of new aid"),
        (
            "Case C-280/00 Altmark (ECLI:EU:C:2003:415)",
            "sets conditions under which public service compensation is not aid",
        ),
        (
            "Case C-39/94 SFEI (ECLI:EU:C:1996:285)",
            "applies the private investor test to logistical support",
        ),
        (
            "Joined Cases C-20/15 P and C-21/15 P World Duty Free (ECLI:EU:C:2016:981)",
            "clarifies selectivity of tax measures",
        ),
        (
            "Case C-465/20 P Commission v Ireland and Others (ECLI:EU:C:2024:724)",
            "upholds the Apple tax ruling decision",
        ),
        (
            "Case C-482/99 France v Commission (ECLI:EU:C:2002:294)",
            "requires imputability to the state",
        ),
        (
            "Case C-143/99 Adria-Wien Pipeline (ECLI:EU:C:2001:598)",
            "examines selectivity by reference to the objective of the system",
        ),
        (
            "Regulation (EU) No 651/2014",
            "declares categories of aid compatible without notification",
        ),
        ("Regulation (EU) 2015/1589", "lays down procedural rules for state aid control"),
    ),
    "eu:EU Employment Law": (
        ("Directive 2003/88/EC", "sets minimum rest, weekly limits and paid annual leave"),
        (
            "Case C-55/18 CCOO v Deutsche Bank (ECLI:EU:C:2019:402)",
            "requires a system measuring daily working time",
        ),
        (
            "Case C-303/98 SIMAP (ECLI:EU:C:2000:528)",
            "treats on-call time at the workplace as working time",
        ),
        (
            "Case C-151/02 Jaeger (ECLI:EU:C:2003:437)",
            "counts on-call time including rest periods at work as working time",
        ),
        (
            "Case C-266/14 Tyco (ECLI:EU:C:2015:578)",
            "counts travel by workers without a fixed place as working time",
        ),
        (
            "Case C-214/16 King v Sash Window Workshop (ECLI:EU:C:2017:914)",
            "allows carry-over of leave the employer refused to pay",
        ),
        (
            "Case C-684/16 Max-Planck-Gesellschaft v Shimizu (ECLI:EU:C:2018:874)",
            "requires employers to enable workers to take leave",
        ),
        (
            "Case C-518/15 Matzak (ECLI:EU:C:2018:82)",
            "treats stand-by time with severe constraints as working time",
        ),
        (
            "Article 31 of the Charter of Fundamental Rights of the European Union",
            "guarantees fair and just working conditions",
        ),
    ),
    "eu:*": (
        ("Case 26/62 Van Gend en Loos (ECLI:EU:C:1963:1)", "establishes direct effect"),
        ("Case 6/64 Costa v ENEL (ECLI:EU:C:1964:66)", "establishes the primacy of EU law"),
        ("Article 267 TFEU", "provides for preliminary references"),
    ),
    # ------------------------------------------------------------------ International
    "international:International Trade": (
        (
            "General Agreement on Tariffs and Trade 1994, art III",
            "requires national treatment of imported products",
        ),
        (
            "General Agreement on Tariffs and Trade 1994, art XX",
            "lists general exceptions subject to the chapeau",
        ),
        (
            "United States – Import Prohibition of Certain Shrimp and Shrimp Products, WT/DS58/AB/R (1998)",
            "applies the chapeau against arbitrary discrimination",
        ),
        (
            "EC – Measures Concerning Meat and Meat Products (Hormones), WT/DS26/AB/R (1998)",
            "requires SPS measures to be based on a risk assessment",
        ),
        (
            "Brazil – Measures Affecting Imports of Retreaded Tyres, WT/DS332/AB/R (2007)",
            "assesses necessity by contribution to the objective",
        ),
        (
            "Japan – Taxes on Alcoholic Beverages, WT/DS8/AB/R (1996)",
            "defines like and directly competitive products",
        ),
        (
            "United States – Standards for Reformulated and Conventional Gasoline, WT/DS2/AB/R (1996)",
            "reads the covered agreements in accordance with customary rules of interpretation",
        ),
        (
            "Russia – Measures Concerning Traffic in Transit, WT/DS512/R (2019)",
            "treats the security exception as partly reviewable",
        ),
        ("Agreement on Subsidies and Countervailing Measures, art 1", "defines a subsidy"),
        ("Anti-Dumping Agreement, art 3", "requires injury determinations on positive evidence"),
        (
            "US – Laws, Regulations and Methodology for Calculating Dumping Margins (Zeroing), WT/DS294/AB/R (2006)",
            "condemns zeroing in margin calculations",
        ),
        (
            "US – Anti-Dumping and Countervailing Duties (China), WT/DS379/AB/R (2011)",
            "defines a public body",
        ),
        (
            "Agreement on Safeguards, art 2",
            "conditions safeguards on increased imports causing serious injury",
        ),
        (
            "Understanding on Rules and Procedures Governing the Settlement of Disputes, art 3",
            "directs interpretation by customary rules",
        ),
    ),
    "international:Human Rights": (
        ("Article 6 ECHR", "guarantees a fair trial"),
        ("Article 8 ECHR", "protects private and family life"),
        ("Article 10 ECHR", "protects freedom of expression"),
        ("Article 3 ECHR", "prohibits torture and inhuman or degrading treatment"),
        (
            "Soering v United Kingdom (1989) 11 EHRR 439",
            "bars extradition to a real risk of ill-treatment",
        ),
        ("Handyside v United Kingdom (1976) 1 EHRR 737", "introduces the margin of appreciation"),
        (
            "Golder v United Kingdom (1975) 1 EHRR 524",
            "reads a right of access to court into Article 6",
        ),
        (
            "Al-Skeini v United Kingdom (2011) 53 EHRR 18",
            "extends jurisdiction to state agents' authority and control abroad",
        ),
        (
            "Hirst v United Kingdom (No 2) (2005) 42 EHRR 41",
            "condemns a blanket ban on prisoner voting",
        ),
        (
            "Verein KlimaSeniorinnen Schweiz v Switzerland App no 53600/20 (ECtHR, 9 April 2024)",
            "derives climate obligations from Article 8",
        ),
        (
            "International Covenant on Civil and Political Rights, art 14",
            "guarantees equality before courts and a fair hearing",
        ),
        (
            "International Covenant on Civil and Political Rights, art 19",
            "protects freedom of expression",
        ),
        ("Convention against Torture, art 3", "prohibits refoulement to a risk of torture"),
        (
            "Convention on the Rights of the Child, art 3",
            "makes the child's best interests a primary consideration",
        ),
        (
            "Toonen v Australia, Communication No 488/1992, UN Doc CCPR/C/50/D/488/1992 (1994)",
            "finds criminalisation of consensual same-sex conduct an arbitrary interference with privacy",
        ),
        (
            "Legal Consequences of the Construction of a Wall in the Occupied Palestinian Territory (Advisory Opinion) [2004] ICJ Rep 136",
            "applies human rights treaties extraterritorially",
        ),
        (
            "Ahmadou Sadio Diallo (Republic of Guinea v Democratic Republic of the Congo) [2010] ICJ Rep 639",
            "applies ICCPR guarantees in diplomatic protection",
        ),
    ),
    "international:International Criminal Law": (
        (
            "Rome Statute of the International Criminal Court, art 12",
            "sets the preconditions to the exercise of jurisdiction",
        ),
        (
            "Rome Statute of the International Criminal Court, art 13",
            "lists the trigger mechanisms",
        ),
        (
            "Rome Statute of the International Criminal Court, art 17",
            "establishes complementarity and admissibility",
        ),
        (
            "Rome Statute of the International Criminal Court, art 25",
            "defines modes of individual criminal responsibility",
        ),
        (
            "Prosecutor v Lubanga, ICC-01/04-01/06, Judgment (14 March 2012)",
            "convicts for conscripting child soldiers",
        ),
        (
            "Prosecutor v Katanga, ICC-01/04-01/07, Judgment (7 March 2014)",
            "applies common purpose liability",
        ),
        (
            "Prosecutor v Ongwen, ICC-02/04-01/15, Judgment (4 February 2021)",
            "rejects duress and mental disease defences",
        ),
        (
            "Prosecutor v Al Bashir, ICC-02/05-01/09 OA2, Judgment in the Jordan Referral (6 May 2019)",
            "rejects head of state immunity before the Court",
        ),
        (
            "Situation in the Islamic Republic of Afghanistan, ICC-02/17-138 OA4 (5 March 2020)",
            "authorises an investigation",
        ),
        (
            "Prosecutor v Tadić, IT-94-1-AR72, Decision on Jurisdiction (2 October 1995)",
            "recognises war crimes in non-international armed conflict",
        ),
        (
            "Arrest Warrant of 11 April 2000 (Democratic Republic of the Congo v Belgium) [2002] ICJ Rep 3",
            "upholds immunity of a serving foreign minister before national courts",
        ),
    ),
    "international:International Arbitration": (
        (
            "UNCITRAL Arbitration Rules (2013), art 17",
            "gives tribunals discretion to conduct proceedings fairly",
        ),
        ("UNCITRAL Arbitration Rules (2013), art 26", "authorises interim measures"),
        (
            "UNCITRAL Model Law on International Commercial Arbitration, art 16",
            "establishes competence-competence and separability",
        ),
        (
            "UNCITRAL Model Law on International Commercial Arbitration, art 34",
            "limits setting aside to listed grounds",
        ),
        (
            "Convention on the Recognition and Enforcement of Foreign Arbitral Awards (New York Convention), art V",
            "lists the grounds for refusing enforcement",
        ),
        (
            "Dallah Real Estate and Tourism Holding Co v Ministry of Religious Affairs, Government of Pakistan [2010] UKSC 46",
            "re-examines jurisdiction at enforcement",
        ),
        (
            "Enka Insaat ve Sanayi AS v OOO Insurance Company Chubb [2020] UKSC 38",
            "determines the law of the arbitration agreement",
        ),
        (
            "Halliburton Co v Chubb Bermuda Insurance Ltd [2020] UKSC 48",
            "requires arbitrators to disclose circumstances giving rise to doubts",
        ),
        (
            "Fiona Trust & Holding Corp v Privalov [2007] UKHL 40",
            "construes arbitration clauses broadly",
        ),
        (
            "Mitsubishi Motors Corp. v. Soler Chrysler-Plymouth, Inc., 473 U.S. 614 (1985)",
            "accepts arbitrability of statutory claims in international cases",
        ),
        (
            "Yukos Universal Ltd (Isle of Man) v Russian Federation, PCA Case No AA 227 (2014)",
            "awards damages for expropriation under the Energy Charter Treaty",
        ),
    ),
    "international:Maritime Law": (
        ("UNCLOS, art 3", "limits the territorial sea to 12 nautical miles"),
        ("UNCLOS, art 17", "grants ships innocent passage"),
        ("UNCLOS, art 57", "limits the exclusive economic zone to 200 nautical miles"),
        ("UNCLOS, art 76", "defines the continental shelf"),
        ("UNCLOS, art 121", "sets the regime of islands and rocks"),
        ("UNCLOS, art 287", "lets states choose dispute settlement procedures"),
        (
            "North Sea Continental Shelf (Federal Republic of Germany v Denmark; Federal Republic of Germany v Netherlands) [1969] ICJ Rep 3",
            "requires delimitation by agreement in accordance with equitable principles",
        ),
        (
            "Maritime Delimitation in the Black Sea (Romania v Ukraine) [2009] ICJ Rep 61",
            "adopts the three-stage delimitation methodology",
        ),
        (
            "South China Sea Arbitration (Philippines v China), PCA Case No 2013-19 (Award, 12 July 2016)",
            "rejects historic rights beyond UNCLOS entitlements",
        ),
        (
            "Corfu Channel (United Kingdom v Albania) [1949] ICJ Rep 4",
            "affirms innocent passage through international straits",
        ),
        (
            "Territorial and Maritime Dispute (Nicaragua v Colombia) [2012] ICJ Rep 624",
            "applies the delimitation methodology around islands",
        ),
        (
            "Dispute concerning Delimitation of the Maritime Boundary (Bangladesh/Myanmar), ITLOS Case No 16 (2012)",
            "delimits the continental shelf beyond 200 nautical miles",
        ),
    ),
    "international:Investment Law": (
        (
            "CMS Gas Transmission Company v Argentine Republic, ICSID Case No. ARB/01/8",
            "rejects necessity as a defence to treaty breaches",
        ),
        (
            "Salini Costruttori SpA v Kingdom of Morocco, ICSID Case No. ARB/00/4",
            "sets out the characteristics of an investment",
        ),
        (
            "Metalclad Corp v United Mexican States, ICSID Case No. ARB(AF)/97/1",
            "treats regulatory denial as expropriation",
        ),
        (
            "Técnicas Medioambientales Tecmed SA v United Mexican States, ICSID Case No. ARB(AF)/00/2",
            "links fair and equitable treatment to legitimate expectations",
        ),
        (
            "Philip Morris Brands Sàrl v Oriental Republic of Uruguay, ICSID Case No. ARB/10/7",
            "upholds bona fide public health regulation",
        ),
        (
            "Emilio Agustín Maffezini v Kingdom of Spain, ICSID Case No. ARB/97/7",
            "extends most-favoured-nation treatment to dispute settlement",
        ),
        (
            "Saluka Investments BV v Czech Republic, UNCITRAL, Partial Award (17 March 2006)",
            "balances investor expectations with regulatory power",
        ),
        ("ICSID Convention, art 25", "sets the jurisdiction of the Centre"),
        ("ICSID Convention, art 52", "lists the grounds for annulment"),
        ("Energy Charter Treaty, art 26", "provides for investor-state arbitration"),
        (
            "Vienna Convention on the Law of Treaties, art 31",
            "sets the general rule of treaty interpretation",
        ),
    ),
    "international:*": (
        (
            "Military and Paramilitary Activities in and against Nicaragua (Nicaragua v United States of America) [1986] ICJ Rep 14",
            "identifies customary rules on the use of force",
        ),
        (
            "Statute of the International Court of Justice, art 38(1)",
            "lists the sources of international law",
        ),
        (
            "Vienna Convention on the Law of Treaties, art 31",
            "sets the general rule of treaty interpretation",
        ),
        (
            "Barcelona Traction, Light and Power Co Ltd (Belgium v Spain) [1970] ICJ Rep 3",
            "recognises obligations erga omnes",
        ),
    ),
}


def is_case(citation: str) -> bool:
    """Cases name parties or a case number; statutes, treaties and articles do not."""
    return any(
        mark in citation for mark in (" v ", " v. ", "Case ", "Re ", "In re ", "ICSID", "PCA")
    )


def authorities_for(
    jurisdiction: str, practice_area: str, *, at_least: int = 5
) -> tuple[Authority, ...]:
    """The area's own authorities; the jurisdiction's general ones only to reach ``at_least``."""
    own = AUTHORITIES.get(f"{jurisdiction}:{practice_area}", ())
    if len(own) >= at_least:
        return own
    general = AUTHORITIES.get(f"{jurisdiction}:*", ())
    seen: dict[str, Authority] = {}
    for item in (*own, *general):
        seen.setdefault(item[0], item)
    return tuple(seen.values())
